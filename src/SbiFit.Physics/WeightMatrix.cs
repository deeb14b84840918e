namespace SbiFit.Physics;

/// <summary>
/// Per-event Hermitian weight matrix W(x)/W₀₀(x) of physics-reference §6.2, for HAMMER-style reweighting of an
/// SM-generated sample: w(x; c) = Σ_ij c_i c_j* W_ij(x)/W₀₀(x). Allocation-free; safe to call concurrently.
/// </summary>
public static class WeightMatrix
{
    /// <summary>
    /// Writes W(x)/W₀₀(x) in the layout of <see cref="WeightMatrixLayout"/> and returns W₀₀(x), the SM density
    /// d⁴Γ/(dq² dcosθ_D dcosθ_ℓ dχ) in GeV⁻¹ (without B(D* → Dπ)). Evaluate at the true kinematics.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Point outside phase space (q² ∉ (m_ℓ², q²_max], |cos| &gt; 1).</exception>
    public static double Compute(TruthPoint x, Lepton lepton, IFormFactors formFactors, Span<double> packed25)
    {
        double mass = lepton.Mass();
        if (!(x.Q2 > mass * mass) || x.Q2 > PhysicsConstants.Q2Max * (1 + 1e-12))
            throw new ArgumentOutOfRangeException(nameof(x), x.Q2, $"q² outside the {lepton} phase space.");
        if (!(Math.Abs(x.CosThetaD) <= 1) || !(Math.Abs(x.CosThetaL) <= 1) || !double.IsFinite(x.Chi))
            throw new ArgumentOutOfRangeException(nameof(x), x, "cos θ must lie in [−1, 1] and χ must be finite.");
        if (packed25.Length < WeightMatrixLayout.PackedLength)
            throw new ArgumentException($"Need {WeightMatrixLayout.PackedLength} doubles.", nameof(packed25));

        var h = HelicityAmplitudes.Compute(x.Q2, mass, formFactors.Evaluate(x.Q2), formFactors.QuarkMassSum);
        Span<double> f = stackalloc double[AngularCoefficients.Count];
        AngularCoefficients.AngularFunctions(x.CosThetaD, x.CosThetaL, x.Chi, f);
        AngularCoefficients.AccumulateWeighted(h, f, packed25);
        double w00 = packed25[0];
        if (!(w00 > 0))
            throw new ArgumentOutOfRangeException(nameof(x), x, "SM density vanishes at this point; the weight is undefined.");
        double inv = 1 / w00;
        for (int k = 0; k < WeightMatrixLayout.PackedLength; k++) packed25[k] *= inv;
        packed25[0] = 1; // exact
        return 9.0 / (32 * Math.PI) * DecayModel.NormalisationFactor(x.Q2, mass, formFactors.Normalisation) * w00;
    }
}
