namespace SbiFit.Physics.Kinematics;

/// <summary>Four-momenta of the B → D*(→Dπ) ℓ ν final state (all in one frame).</summary>
/// <param name="D">D meson (D̄⁰ in the B⁰ mode).</param>
/// <param name="SoftPion">Pion from the D* decay.</param>
/// <param name="Lepton">Charged lepton.</param>
/// <param name="Neutrino">Neutrino.</param>
public readonly record struct DecayChain(FourVector D, FourVector SoftPion, FourVector Lepton, FourVector Neutrino)
{
    /// <summary>Sum of the four momenta (the B four-momentum).</summary>
    public FourVector B => D + SoftPion + Lepton + Neutrino;
}

/// <summary>
/// Builds decay-chain four-momenta from a phase-space point (physics-reference §2.4): B rest frame with ẑ along q⃗,
/// then an active rotation, then the boost that gives the B its lab momentum. Masses: §3.6.
/// </summary>
public static class DecayChainBuilder
{
    /// <summary>Kinematic upper end of q², (m_B − m_D*)².</summary>
    public static double Q2Max => (Masses.B0 - Masses.DStar) * (Masses.B0 - Masses.DStar);

    /// <summary>Källén function λ(a, b, c) = a² + b² + c² − 2ab − 2ac − 2bc.</summary>
    public static double Kallen(double a, double b, double c) => a * a + b * b + c * c - 2 * (a * b + a * c + b * c);

    /// <summary>
    /// Decay chain in the B rest frame with ẑ = q̂ (D* along −ẑ); φ_D is the azimuth of the D, φ_ℓ = φ_D + χ.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">q² outside [m_ℓ², (m_B − m_D*)²] or |cos θ| &gt; 1.</exception>
    public static DecayChain BuildInBRestFrame(in TruthPoint x, double leptonMass, double phiD)
    {
        double q2 = x.Q2, ml2 = leptonMass * leptonMass;
        if (!(q2 >= ml2 && q2 <= Q2Max))
            throw new ArgumentOutOfRangeException(nameof(x), $"q2 = {q2} GeV^2 outside the physical range [{ml2}, {Q2Max}]");
        if (!(Math.Abs(x.CosThetaD) <= 1 && Math.Abs(x.CosThetaL) <= 1))
            throw new ArgumentOutOfRangeException(nameof(x), $"cos theta outside [-1, 1]: cos_theta_d = {x.CosThetaD}, cos_theta_l = {x.CosThetaL}");

        const double mB = Masses.B0, mDs = Masses.DStar;
        double q0 = (mB * mB - mDs * mDs + q2) / (2 * mB);
        double p = Math.Sqrt(Math.Max(0, Kallen(mB * mB, mDs * mDs, q2))) / (2 * mB);
        double eDs = mB - q0;

        // W* frame: lepton along n̂_ℓ, neutrino opposite; then boost along +ẑ.
        double sq = Math.Sqrt(q2);
        double k = (q2 - ml2) / (2 * sq);
        double sinL = Math.Sqrt(Math.Max(0, 1 - x.CosThetaL * x.CosThetaL));
        var (sPhiL, cPhiL) = Math.SinCos(phiD + x.Chi);
        var nL = new Vec3(sinL * cPhiL, sinL * sPhiL, x.CosThetaL);
        var qFrame = new FourVector(q0, 0, 0, p);
        FourVector lepton = FourVector.FromMomentum(k * nL, leptonMass).FromRestFrameOf(qFrame, sq);
        FourVector neutrino = new FourVector(k, -k * nL.X, -k * nL.Y, -k * nL.Z).FromRestFrameOf(qFrame, sq);

        // D* frame: D along n̂_D = (…, −cos θ_D), soft pion opposite; then boost along −ẑ.
        double pStar = Math.Sqrt(Kallen(mDs * mDs, Masses.D0 * Masses.D0, Masses.Pion * Masses.Pion)) / (2 * mDs);
        double sinD = Math.Sqrt(Math.Max(0, 1 - x.CosThetaD * x.CosThetaD));
        var (sPhiD, cPhiD) = Math.SinCos(phiD);
        var nD = new Vec3(sinD * cPhiD, sinD * sPhiD, -x.CosThetaD);
        var dsFrame = new FourVector(eDs, 0, 0, -p);
        FourVector d = FourVector.FromMomentum(pStar * nD, Masses.D0).FromRestFrameOf(dsFrame, mDs);
        FourVector pi = FourVector.FromMomentum(-pStar * nD, Masses.Pion).FromRestFrameOf(dsFrame, mDs);

        return new DecayChain(d, pi, lepton, neutrino);
    }

    /// <summary>
    /// Lab-frame decay chain: <see cref="BuildInBRestFrame"/>, then <paramref name="rotation"/>, then the boost that gives
    /// the B the lab three-momentum <paramref name="pBLab"/> (its energy is recomputed from m_B).
    /// </summary>
    public static DecayChain Build(in TruthPoint x, double leptonMass, double phiD, in Rotation3 rotation, in Vec3 pBLab)
    {
        DecayChain rest = BuildInBRestFrame(x, leptonMass, phiD);
        FourVector b = FourVector.FromMomentum(pBLab, Masses.B0);
        return new DecayChain(
            rotation.Apply(rest.D).FromRestFrameOf(b, Masses.B0),
            rotation.Apply(rest.SoftPion).FromRestFrameOf(b, Masses.B0),
            rotation.Apply(rest.Lepton).FromRestFrameOf(b, Masses.B0),
            rotation.Apply(rest.Neutrino).FromRestFrameOf(b, Masses.B0));
    }

    /// <summary>
    /// Isotropic two-body decay D̄⁰ → K⁺π⁻ (spin 0) of a D with lab four-momentum <paramref name="pD"/>
    /// (mass m_D⁰ assumed). Returns (kaon, pion) lab four-momenta.
    /// </summary>
    public static (FourVector Kaon, FourVector Pion) DecayD0(in FourVector pD, Rng rng)
    {
        const double mD = Masses.D0;
        double pStar = Math.Sqrt(Kallen(mD * mD, Masses.Kaon * Masses.Kaon, Masses.Pion * Masses.Pion)) / (2 * mD);
        double cosT = 2 * rng.NextDouble() - 1, sinT = Math.Sqrt(Math.Max(0, 1 - cosT * cosT));
        var (sPhi, cPhi) = Math.SinCos(2 * Math.PI * rng.NextDouble());
        var n = new Vec3(sinT * cPhi, sinT * sPhi, cosT);
        return (FourVector.FromMomentum(pStar * n, Masses.Kaon).FromRestFrameOf(pD, mD),
                FourVector.FromMomentum(-pStar * n, Masses.Pion).FromRestFrameOf(pD, mD));
    }
}
