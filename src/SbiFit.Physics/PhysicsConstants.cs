namespace SbiFit.Physics;

/// <summary>Charged lepton of the semileptonic decay.</summary>
public enum Lepton
{
    /// <summary>Electron.</summary>
    Electron,
    /// <summary>Muon.</summary>
    Muon,
    /// <summary>Tau.</summary>
    Tau,
}

/// <summary>Numerical inputs of physics-reference §3.6 (GeV units, PDG 2024).</summary>
public static class PhysicsConstants
{
    /// <summary>m(B⁰) in GeV.</summary>
    public const double MassB0 = 5.27966;
    /// <summary>m(D*±) in GeV.</summary>
    public const double MassDstar = 2.01026;
    /// <summary>m(D⁰) in GeV.</summary>
    public const double MassD0 = 1.86484;
    /// <summary>m(π±) in GeV.</summary>
    public const double MassPion = 0.13957039;
    /// <summary>m(K±) in GeV.</summary>
    public const double MassKaon = 0.493677;
    /// <summary>m(e) in GeV.</summary>
    public const double MassElectron = 0.51099895e-3;
    /// <summary>m(μ) in GeV.</summary>
    public const double MassMuon = 0.1056583755;
    /// <summary>m(τ) in GeV.</summary>
    public const double MassTau = 1.77686;
    /// <summary>B⁰ lifetime in seconds.</summary>
    public const double LifetimeB0 = 1.517e-12;
    /// <summary>Fermi constant G_F in GeV⁻².</summary>
    public const double FermiConstant = 1.1663788e-5;
    /// <summary>ħ in GeV·s.</summary>
    public const double Hbar = 6.582119569e-25;
    /// <summary>Short-distance electroweak correction η_EW (absorbed into the CLN normalisation).</summary>
    public const double EtaEw = 1.0066;
    /// <summary>m_b + m_c at μ = m_b (MS-bar) entering the pseudoscalar amplitude H_S, in GeV.</summary>
    public const double QuarkMassSum = 5.11;

    /// <summary>Mass of the given lepton in GeV.</summary>
    public static double Mass(this Lepton lepton) => lepton switch
    {
        Lepton.Electron => MassElectron,
        Lepton.Muon => MassMuon,
        Lepton.Tau => MassTau,
        _ => throw new ArgumentOutOfRangeException(nameof(lepton), lepton, "Unknown lepton."),
    };

    /// <summary>Lower end of the q² range, m_ℓ², in GeV².</summary>
    public static double Q2Min(this Lepton lepton) => lepton.Mass() * lepton.Mass();

    /// <summary>Upper end of the q² range, (m_B − m_D*)², in GeV².</summary>
    public const double Q2Max = (MassB0 - MassDstar) * (MassB0 - MassDstar);
}
