namespace SbiFit.Physics;

/// <summary>B → D* form factors at one q² (physics-reference §3.1), normalised to h_A1(1) = 1.</summary>
public readonly record struct FormFactorValues(double V, double A0, double A1, double A2, double T1, double T2, double T3);

/// <summary>A B → D* form-factor parameterisation.</summary>
public interface IFormFactors
{
    /// <summary>Form factors at q² (GeV²), shape only (h_A1(1) = 1).</summary>
    FormFactorValues Evaluate(double q2);

    /// <summary>Overall normalisation |V_cb| η_EW h_A1(1) multiplying every form factor in the rate.</summary>
    double Normalisation { get; }

    /// <summary>m_b + m_c (GeV) in the pseudoscalar matrix element (axial Ward identity).</summary>
    double QuarkMassSum { get; }
}

/// <summary>How the tensor form factors T₁, T₂, T₃ are obtained.</summary>
public enum TensorFormFactorScheme
{
    /// <summary>Leading-order heavy-quark relations with ξ(w) → h_A1(w) (physics-reference §3.3, default).</summary>
    LeadingOrderHqet,
    /// <summary>All tensor form factors zero, as in HAMMER's <c>CLN</c> scheme (T_L then has no effect).</summary>
    Zero,
}

/// <summary>
/// CLN parameterisation (Caprini, Lellouch, Neubert, hep-ph/9712417; physics-reference §3.2–3.3).
/// </summary>
/// <param name="RhoSq">Slope ρ² of h_A1.</param>
/// <param name="R1">R₁(1).</param>
/// <param name="R2">R₂(1).</param>
/// <param name="R0">R₀(1).</param>
/// <param name="NormVcbEtaHa1">η_EW h_A1(1) |V_cb|.</param>
/// <param name="Tensor">Tensor form-factor scheme.</param>
/// <param name="MbPlusMc">m_b + m_c in GeV for the scalar amplitude.</param>
public sealed record FormFactorsCln(
    double RhoSq, double R1, double R2, double R0, double NormVcbEtaHa1,
    TensorFormFactorScheme Tensor = TensorFormFactorScheme.LeadingOrderHqet,
    double MbPlusMc = PhysicsConstants.QuarkMassSum) : IFormFactors
{
    /// <summary>HFLAV 2019 CLN averages (arXiv:1909.12524) with R₀(1) = 1.14: the default set of §3.6.</summary>
    public static FormFactorsCln Hflav2019 { get; } = new(1.122, 1.270, 0.852, 1.14, 35.27e-3);

    /// <summary>The 2012 inputs of Fajfer, Kamenik, Nišandžić (arXiv:1203.2654) used for the R(D*) = 0.252 check.</summary>
    public static FormFactorsCln Fajfer2012 { get; } = new(1.207, 1.403, 0.854, 1.14, 35.27e-3);

    /// <summary>HAMMER-like CLN: HAMMER default shape parameters and zero tensor form factors (§3.3 caution).</summary>
    public static FormFactorsCln HammerLike { get; } =
        new(1.207, 1.401, 0.854, 1.15, 35.27e-3, TensorFormFactorScheme.Zero);

    /// <inheritdoc />
    public double Normalisation => NormVcbEtaHa1;

    /// <inheritdoc />
    public double QuarkMassSum => MbPlusMc;

    /// <summary>h_A1(w)/h_A1(1) of the CLN parameterisation.</summary>
    public double Ha1(double w) => Ha1Shape(RhoSq, w);

    internal static double Ha1Shape(double rhoSq, double w)
    {
        double z = ConformalZ(w);
        return 1 - 8 * rhoSq * z + (53 * rhoSq - 15) * z * z - (231 * rhoSq - 91) * z * z * z;
    }

    /// <summary>CLN conformal variable z(w).</summary>
    public static double ConformalZ(double w)
    {
        double a = Math.Sqrt(w + 1), b = Math.Sqrt(2.0);
        return (a - b) / (a + b);
    }

    /// <summary>Recoil w = (m_B² + m_D*² − q²)/(2 m_B m_D*).</summary>
    public static double Recoil(double q2)
    {
        const double mB = PhysicsConstants.MassB0, mV = PhysicsConstants.MassDstar;
        return (mB * mB + mV * mV - q2) / (2 * mB * mV);
    }

    /// <inheritdoc />
    public FormFactorValues Evaluate(double q2)
    {
        const double mB = PhysicsConstants.MassB0, mV = PhysicsConstants.MassDstar;
        double w = Recoil(q2);
        double wm1 = w - 1;
        double ha1 = Ha1(w);
        double rStar = 2 * Math.Sqrt(mB * mV) / (mB + mV);
        double r1 = R1 - 0.12 * wm1 + 0.05 * wm1 * wm1;
        double r2 = R2 + 0.11 * wm1 - 0.06 * wm1 * wm1;
        double r0 = R0 - 0.11 * wm1 + 0.01 * wm1 * wm1;
        double a1 = ha1 * rStar * (w + 1) / 2;
        double t1 = 0, t2 = 0, t3 = 0;
        if (Tensor == TensorFormFactorScheme.LeadingOrderHqet)
        {
            double pre = 1 / (2 * Math.Sqrt(mB * mV));
            t1 = pre * (mB + mV) * ha1;
            t2 = pre * ((mB + mV) * (mB + mV) - q2) / (mB + mV) * ha1;
            t3 = pre * (mB - mV) * ha1;
        }
        return new FormFactorValues(r1 * ha1 / rStar, r0 * ha1 / rStar, a1, r2 * ha1 / rStar, t1, t2, t3);
    }
}

/// <summary>
/// Heavy-quark-limit form factors (physics-reference §3.4) with Isgur–Wise function ξ(w) of CLN shape and
/// m_b + m_c → m_B + m_D*; used for the HAMMER convention cross-check.
/// </summary>
/// <param name="RhoSq">CLN slope used for ξ(w); q²-ratios at fixed q² do not depend on it.</param>
/// <param name="NormVcbEtaHa1">Overall normalisation.</param>
public sealed record FormFactorsHeavyQuarkLimit(double RhoSq = 1.122, double NormVcbEtaHa1 = 35.27e-3) : IFormFactors
{
    /// <inheritdoc />
    public double Normalisation => NormVcbEtaHa1;

    /// <inheritdoc />
    public double QuarkMassSum => PhysicsConstants.MassB0 + PhysicsConstants.MassDstar;

    /// <inheritdoc />
    public FormFactorValues Evaluate(double q2)
    {
        const double mB = PhysicsConstants.MassB0, mV = PhysicsConstants.MassDstar;
        double xi = FormFactorsCln.Ha1Shape(RhoSq, FormFactorsCln.Recoil(q2));
        double pre = xi / (2 * Math.Sqrt(mB * mV));
        double vLike = pre * (mB + mV);
        double a1 = pre * ((mB + mV) * (mB + mV) - q2) / (mB + mV);
        return new FormFactorValues(vLike, vLike, a1, vLike, vLike, a1, pre * (mB - mV));
    }
}
