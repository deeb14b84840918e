namespace SbiFit.Physics;

/// <summary>q²-integrated observables for one set of Wilson coefficients and one lepton (what <c>sbifit rates</c> prints).</summary>
/// <param name="Lepton">Lepton flavour.</param>
/// <param name="Coefficients">Wilson coefficients.</param>
/// <param name="GammaGeV">Γ(B → D* ℓ ν) in GeV.</param>
/// <param name="BranchingFraction">Γ τ_B⁰/ħ.</param>
/// <param name="RatioToSm">Γ(c)/Γ_SM for the same lepton.</param>
/// <param name="FL">D* longitudinal polarisation fraction F_L.</param>
/// <param name="AFB">Forward–backward asymmetry in cos θ_ℓ (§2 convention).</param>
/// <param name="LeptonPolarisation">P_ℓ = (Γ₊ − Γ₋)/(Γ₊ + Γ₋) of the charged-lepton helicity.</param>
/// <param name="MeanQ2">⟨q²⟩ in GeV².</param>
/// <param name="NormalisedAngular">∫I_k dq² / Γ in <see cref="AngularTerm"/> order.</param>
/// <param name="Matrix">Total-rate quadratic form M of §6.3.</param>
public sealed record RateSummary(
    Lepton Lepton, WilsonCoefficients Coefficients, double GammaGeV, double BranchingFraction, double RatioToSm,
    double FL, double AFB, double LeptonPolarisation, double MeanQ2, IReadOnlyList<double> NormalisedAngular,
    RateMatrix Matrix);

/// <summary>Entry point for integrated rates and observables.</summary>
public static class DecayRates
{
    /// <summary>Computes the <see cref="RateSummary"/> (form factors default to <see cref="FormFactorsCln.Hflav2019"/>).</summary>
    public static RateSummary Compute(WilsonCoefficients coefficients, Lepton lepton, IFormFactors? formFactors = null)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        formFactors ??= FormFactorsCln.Hflav2019;
        var model = new DecayModel(lepton, formFactors);
        var r = model.Integrate(coefficients);
        var matrix = RateMatrix.Compute(lepton, formFactors);
        double[] ik = r.AngularIntegrals;
        double fl = (0.75 * ik[(int)AngularTerm.I1c] - 0.25 * ik[(int)AngularTerm.I2c]) / r.Gamma;
        double afb = 0.375 * (2 * ik[(int)AngularTerm.I6s] + ik[(int)AngularTerm.I6c]) / r.Gamma;
        double pol = (r.Gamma - 2 * r.NegativeHelicityRate) / r.Gamma;
        return new RateSummary(
            lepton, coefficients, r.Gamma, BranchingFraction(r.Gamma), r.Gamma / matrix.GammaSm, fl, afb, pol,
            r.Q2Moment / r.Gamma, Array.AsReadOnly(ik.Select(x => x / r.Gamma).ToArray()), matrix);
    }

    /// <summary>Branching fraction of B⁰ for a partial width Γ in GeV: Γ τ_B⁰/ħ.</summary>
    public static double BranchingFraction(double gammaGeV) => gammaGeV * PhysicsConstants.LifetimeB0 / PhysicsConstants.Hbar;
}
