using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Inference.Templates;

/// <summary>
/// Maps a real parameter vector onto the Wilson-coefficient vector c = (1+V_L, V_R, S_L, S_R, T_L). A name <c>V_R</c> or
/// <c>Re(V_R)</c> sets the real part of that coefficient, <c>Im(V_R)</c> its imaginary part; components not named keep
/// the baseline value (SM unless given).
/// </summary>
public sealed class WcParameterMap
{
    /// <summary>Coefficient names in c order.</summary>
    public static IReadOnlyList<string> CoefficientNames { get; } = new[] { "V_L", "V_R", "S_L", "S_R", "T_L" };

    private readonly string[] _names;
    private readonly (int Index, bool Imaginary)[] _components;
    private readonly Complex[] _baseline;

    /// <summary>Creates the map; throws <see cref="TemplateException"/> for unknown or repeated names.</summary>
    public WcParameterMap(IReadOnlyList<string> names, IReadOnlyList<Complex>? baseline = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = names.ToArray();
        _components = new (int, bool)[_names.Length];
        var seen = new HashSet<(int, bool)>();
        for (int k = 0; k < _names.Length; k++)
        {
            _components[k] = ParseName(_names[k]);
            if (!seen.Add(_components[k])) throw new TemplateException($"Parameter '{_names[k]}' names the same WC component as an earlier parameter.");
        }
        _baseline = baseline?.ToArray() ?? new Complex[] { 1, 0, 0, 0, 0 };
        if (_baseline.Length != WeightMatrixLayout.Dim)
            throw new TemplateException($"WC baseline has length {_baseline.Length}, expected {WeightMatrixLayout.Dim}.");
    }

    /// <summary>Parameter names in vector order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Number of parameters.</summary>
    public int Count => _names.Length;

    /// <summary>Index into c and real/imaginary flag of parameter k.</summary>
    public (int Index, bool Imaginary) Component(int k) => _components[k];

    /// <summary>Writes c(p) into <paramref name="c"/> (length 5).</summary>
    public void Map(ReadOnlySpan<double> p, Span<Complex> c)
    {
        if (p.Length < _names.Length) throw new TemplateException($"WC map: {p.Length} values for {_names.Length} parameters.");
        _baseline.CopyTo(c);
        for (int k = 0; k < _names.Length; k++)
        {
            var (i, im) = _components[k];
            double offset = i == 0 && !im ? 1.0 : 0.0; // c_0 = 1 + V_L
            c[i] = im ? new Complex(c[i].Real, p[k]) : new Complex(offset + p[k], c[i].Imaginary);
        }
    }

    /// <summary>c(p) as a new array.</summary>
    public Complex[] Map(ReadOnlySpan<double> p)
    {
        var c = new Complex[WeightMatrixLayout.Dim];
        Map(p, c);
        return c;
    }

    private static (int, bool) ParseName(string name)
    {
        var s = (name ?? "").Trim();
        bool im = false;
        if (s.StartsWith("Re(", StringComparison.Ordinal) && s.EndsWith(')')) s = s[3..^1];
        else if (s.StartsWith("Im(", StringComparison.Ordinal) && s.EndsWith(')')) { s = s[3..^1]; im = true; }
        for (int i = 0; i < CoefficientNames.Count; i++)
            if (s == CoefficientNames[i]) return (i, im);
        throw new TemplateException(
            $"Unknown WC parameter '{name}'; use one of {string.Join(", ", CoefficientNames)} (real part) or Re(X) / Im(X).");
    }
}
