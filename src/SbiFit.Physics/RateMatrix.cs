using System.Numerics;

namespace SbiFit.Physics;

/// <summary>
/// Total-rate Hermitian quadratic form of physics-reference §6.3: Γ(c)/Γ_SM = Σ_ij c_i c_j* M_ij with
/// c = (1+V_L, V_R, S_L, S_R, T_L), normalised to the SM rate of the same lepton (M₀₀ = 1).
/// </summary>
public sealed class RateMatrix
{
    private readonly double[] _packed;

    private RateMatrix(Lepton lepton, double[] packed, double gammaSm)
    {
        Lepton = lepton;
        _packed = packed;
        GammaSm = gammaSm;
    }

    /// <summary>Lepton flavour.</summary>
    public Lepton Lepton { get; }

    /// <summary>SM total rate Γ_SM in GeV used for the normalisation.</summary>
    public double GammaSm { get; }

    /// <summary>M in the packed layout of <see cref="WeightMatrixLayout"/> (a copy).</summary>
    public double[] Packed => (double[])_packed.Clone();

    /// <summary>Element M_ij.</summary>
    public Complex this[int i, int j]
    {
        get
        {
            if (i == j) return _packed[WeightMatrixLayout.ReIndex(i, i)];
            var upper = new Complex(_packed[WeightMatrixLayout.ReIndex(i, j)],
                _packed[WeightMatrixLayout.ImIndex(Math.Min(i, j), Math.Max(i, j))]);
            return i < j ? upper : Complex.Conjugate(upper);
        }
    }

    /// <summary>Γ(c)/Γ_SM.</summary>
    public double Ratio(WilsonCoefficients c)
    {
        Span<Complex> cv = stackalloc Complex[5];
        c.WriteVector(cv);
        return WeightMatrixLayout.Contract(_packed, cv);
    }

    /// <summary>Integrates the dΓ/dq² matrix over the full q² range (200-point Gauss–Legendre in u).</summary>
    public static RateMatrix Compute(Lepton lepton, IFormFactors formFactors)
    {
        var model = new DecayModel(lepton, formFactors);
        // dΓ/dq² = (3/4)(2I₁s + I₁c) − (1/4)(2I₂s + I₂c) as weights on the twelve Î_k.
        Span<double> f = stackalloc double[AngularCoefficients.Count];
        f.Clear();
        f[(int)AngularTerm.I1s] = 1.5;
        f[(int)AngularTerm.I1c] = 0.75;
        f[(int)AngularTerm.I2s] = -0.5;
        f[(int)AngularTerm.I2c] = -0.25;
        var sum = new double[WeightMatrixLayout.PackedLength];
        Span<double> m = stackalloc double[WeightMatrixLayout.PackedLength];
        var gl = GaussLegendre.Default;
        for (int n = 0; n < gl.Nodes.Length; n++)
        {
            var (q2, jac) = model.FromU(gl.Nodes[n]);
            AngularCoefficients.AccumulateWeighted(model.Amplitudes(q2), f, m);
            double w = gl.Weights[n] * jac * model.Normalisation(q2);
            for (int k = 0; k < sum.Length; k++) sum[k] += w * m[k];
        }
        double gammaSm = sum[0];
        for (int k = 0; k < sum.Length; k++) sum[k] /= gammaSm;
        return new RateMatrix(lepton, sum, gammaSm);
    }
}
