using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Learning;

/// <summary>
/// Maps the network's θ components (named after Wilson coefficients: <c>V_R</c>, <c>S_L</c>, <c>T_L</c>, any alias that
/// <see cref="WilsonCoefficients.Parse"/> accepts, and <c>Im_V_R</c> for an imaginary part) onto the WC vector
/// c(θ) = c_SM + Σ_k θ_k e_k, and evaluates event weights w(x; θ) = Σ_ij c_i c_j* W_ij(x) from the packed matrix.
/// </summary>
public sealed class ThetaBasis
{
    private readonly Complex[][] _directions;

    /// <summary>Builds the basis; throws <see cref="TrainingDataException"/> for a name that is not a Wilson coefficient.</summary>
    public ThetaBasis(IReadOnlyList<string> thetaNames)
    {
        Names = thetaNames.ToArray();
        var sm = WilsonCoefficients.Sm.ToVector();
        _directions = new Complex[Names.Count][];
        for (int k = 0; k < Names.Count; k++)
        {
            string name = Names[k].Trim();
            bool imaginary = false;
            if (name.StartsWith("Im_", StringComparison.OrdinalIgnoreCase)) { imaginary = true; name = name[3..]; }
            else if (name.StartsWith("Re_", StringComparison.OrdinalIgnoreCase)) name = name[3..];
            WilsonCoefficients unit;
            try { unit = WilsonCoefficients.Parse(imaginary ? $"{name}=1i" : $"{name}=1"); }
            catch (FormatException ex)
            {
                throw new TrainingDataException($"theta '{Names[k]}' is not a Wilson coefficient (V_L, V_R, S_L, S_R, T_L, " +
                                                $"aliases, prefix Im_ for an imaginary part): {ex.Message}");
            }
            var c = unit.ToVector();
            _directions[k] = new Complex[WeightMatrixLayout.Dim];
            for (int i = 0; i < WeightMatrixLayout.Dim; i++) _directions[k][i] = c[i] - sm[i];
        }
        for (int a = 0; a < Names.Count; a++)
            for (int b = a + 1; b < Names.Count; b++)
                if (_directions[a].SequenceEqual(_directions[b]))
                    throw new TrainingDataException($"theta '{Names[a]}' and '{Names[b]}' are the same Wilson coefficient.");
    }

    /// <summary>θ component names.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The WC vector c(θ) = (1+V_L, V_R, S_L, S_R, T_L).</summary>
    public Complex[] ToC(ReadOnlySpan<double> theta)
    {
        var c = WilsonCoefficients.Sm.ToVector();
        for (int k = 0; k < _directions.Length; k++)
            for (int i = 0; i < c.Length; i++) c[i] += theta[k] * _directions[k][i];
        return c;
    }

    /// <summary>Real linear form a(θ) with w(x; θ) = a · packed(x) (see <see cref="WeightMatrixLayout.LinearForm"/>).</summary>
    public double[] LinearForm(ReadOnlySpan<double> theta) => WeightMatrixLayout.LinearForm(ToC(theta));

    /// <summary>Dot product of a linear form with one event's 25 packed numbers.</summary>
    public static double Apply(ReadOnlySpan<double> form, ReadOnlySpan<double> packed)
    {
        double s = 0;
        for (int k = 0; k < WeightMatrixLayout.PackedLength; k++) s += form[k] * packed[k];
        return s;
    }
}
