using System.Numerics;

namespace SbiFit.Physics;

/// <summary>
/// Differential and integrated B → D* ℓ ν rates (physics-reference §5–6) for one lepton and one form-factor set.
/// Rates are for the decay to D* (B(D* → Dπ) not included), in GeV. Immutable and thread-safe.
/// </summary>
public sealed class DecayModel
{
    /// <summary>Creates the model for a lepton flavour.</summary>
    public DecayModel(Lepton lepton, IFormFactors formFactors)
        : this(lepton.Mass(), formFactors) => Lepton = lepton;

    /// <summary>Model with an arbitrary lepton mass (e.g. 0 for the massless limit).</summary>
    internal DecayModel(double leptonMass, IFormFactors formFactors)
    {
        ArgumentNullException.ThrowIfNull(formFactors);
        if (!(leptonMass >= 0) || leptonMass >= PhysicsConstants.MassB0 - PhysicsConstants.MassDstar)
            throw new ArgumentOutOfRangeException(nameof(leptonMass), leptonMass, "Lepton mass outside the kinematic range.");
        LeptonMass = leptonMass;
        FormFactors = formFactors;
    }

    /// <summary>The lepton flavour (Muon for a model built from a bare mass).</summary>
    public Lepton Lepton { get; } = Lepton.Muon;

    /// <summary>Lepton mass in GeV.</summary>
    public double LeptonMass { get; }

    /// <summary>Form factors.</summary>
    public IFormFactors FormFactors { get; }

    /// <summary>q²_min = m_ℓ².</summary>
    public double Q2Min => LeptonMass * LeptonMass;

    /// <summary>q²_max = (m_B − m_D*)².</summary>
    public double Q2Max => PhysicsConstants.Q2Max;

    /// <summary>Amplitude building blocks at q².</summary>
    public HelicityAmplitudes Amplitudes(double q2) =>
        HelicityAmplitudes.Compute(q2, LeptonMass, FormFactors.Evaluate(q2), FormFactors.QuarkMassSum);

    /// <summary>𝒩(q²) = G_F² |V_cb|² η_EW² |p| q² (1 − m_ℓ²/q²)² / (48 π³ m_B²) (§5.1).</summary>
    public double Normalisation(double q2) => NormalisationFactor(q2, LeptonMass, FormFactors.Normalisation);

    internal static double NormalisationFactor(double q2, double leptonMass, double formFactorNorm)
    {
        const double mB = PhysicsConstants.MassB0, mV = PhysicsConstants.MassDstar;
        double lam = Math.Max(0, FormulaMath.Kallen(mB * mB, mV * mV, q2));
        double p = Math.Sqrt(lam) / (2 * mB);
        double y = 1 - leptonMass * leptonMass / q2;
        double gNorm = PhysicsConstants.FermiConstant * formFactorNorm;
        return gNorm * gNorm * p * q2 * y * y / (48 * Math.PI * Math.PI * Math.PI * mB * mB);
    }

    /// <summary>I_k(q²) = 𝒩 Î_k for coefficients c (12 values in <see cref="AngularTerm"/> order).</summary>
    public void AngularCoefficients(double q2, ReadOnlySpan<Complex> c, Span<double> ik)
    {
        SbiFit.Physics.AngularCoefficients.Evaluate(Amplitudes(q2), c, ik);
        double n = Normalisation(q2);
        for (int k = 0; k < SbiFit.Physics.AngularCoefficients.Count; k++) ik[k] *= n;
    }

    /// <summary>dΓ/dq² in GeV⁻¹ for coefficients c (§6.1).</summary>
    public double DifferentialRate(double q2, WilsonCoefficients c)
    {
        Span<Complex> cv = stackalloc Complex[5];
        c.WriteVector(cv);
        Span<double> ik = stackalloc double[SbiFit.Physics.AngularCoefficients.Count];
        AngularCoefficients(q2, cv, ik);
        return SbiFit.Physics.AngularCoefficients.AngleIntegrated(ik);
    }

    /// <summary>d⁴Γ/(dq² dcosθ_D dcosθ_ℓ dχ) = (9/32π) Σ_k I_k f_k (§5.1, without B(D* → Dπ)).</summary>
    public double FourFoldRate(TruthPoint x, WilsonCoefficients c)
    {
        Span<Complex> cv = stackalloc Complex[5];
        c.WriteVector(cv);
        Span<double> ik = stackalloc double[SbiFit.Physics.AngularCoefficients.Count];
        Span<double> f = stackalloc double[SbiFit.Physics.AngularCoefficients.Count];
        AngularCoefficients(x.Q2, cv, ik);
        SbiFit.Physics.AngularCoefficients.AngularFunctions(x.CosThetaD, x.CosThetaL, x.Chi, f);
        double s = 0;
        for (int k = 0; k < f.Length; k++) s += ik[k] * f[k];
        return 9.0 / (32 * Math.PI) * s;
    }

    /// <summary>q² at u ∈ [0, 1] of the end-point-regularising substitution of §9, and dq²/du.</summary>
    internal (double Q2, double Jacobian) FromU(double u)
    {
        double span = Q2Max - Q2Min, v = 1 - u;
        return (Q2Max - span * v * v, 2 * span * v);
    }

    /// <summary>Total rate Γ in GeV (200-point Gauss–Legendre in u, §9).</summary>
    public double TotalRate(WilsonCoefficients c) => Integrate(c).Gamma;

    /// <summary>q²-integrated quantities for coefficients c.</summary>
    internal IntegratedRate Integrate(WilsonCoefficients c)
    {
        Span<Complex> cv = stackalloc Complex[5];
        c.WriteVector(cv);
        Span<double> ik = stackalloc double[SbiFit.Physics.AngularCoefficients.Count];
        var sumIk = new double[SbiFit.Physics.AngularCoefficients.Count];
        double gamma = 0, q2Moment = 0, negHelicity = 0;
        var gl = GaussLegendre.Default;
        for (int n = 0; n < gl.Nodes.Length; n++)
        {
            var (q2, jac) = FromU(gl.Nodes[n]);
            double w = gl.Weights[n] * jac;
            var h = Amplitudes(q2);
            double norm = Normalisation(q2);
            SbiFit.Physics.AngularCoefficients.Evaluate(h, cv, ik);
            double rate = norm * SbiFit.Physics.AngularCoefficients.AngleIntegrated(ik);
            for (int k = 0; k < ik.Length; k++) sumIk[k] += w * norm * ik[k];
            gamma += w * rate;
            q2Moment += w * q2 * rate;
            negHelicity += w * norm * SbiFit.Physics.AngularCoefficients.LeptonHelicityRates(h, cv).Negative;
        }
        return new IntegratedRate(gamma, sumIk, q2Moment, negHelicity);
    }
}

/// <summary>q²-integrated rate pieces (all in GeV).</summary>
internal sealed record IntegratedRate(double Gamma, double[] AngularIntegrals, double Q2Moment, double NegativeHelicityRate);
