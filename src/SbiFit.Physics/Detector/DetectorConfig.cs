using System.Text.Json;

namespace SbiFit.Physics.Detector;

/// <summary>
/// LHCb-like fast reconstruction settings (physics-reference §8.2–8.4). Defaults are RapidSim's LHCb values plus mild,
/// LHCb-inspired selection cuts. JSON keys are the snake_case property names (e.g. <c>apply_smearing</c>).
/// </summary>
public sealed record DetectorConfig
{
    /// <summary>Require every visible track (K, π, soft π, μ) inside the geometric acceptance (true momenta).</summary>
    public bool ApplyAcceptance { get; init; } = true;

    /// <summary>Smear track momenta, track slopes and the PV/SV positions; false = perfect measurement.</summary>
    public bool ApplySmearing { get; init; } = true;

    /// <summary>Take the B direction from the true flight vector instead of the (smeared) PV→SV vector.</summary>
    public bool PerfectDirection { get; init; }

    /// <summary>Acceptance: |p_x/p_z| must be below this (RapidSim LHCb: 0.30).</summary>
    public double MaxSlopeX { get; init; } = 0.30;

    /// <summary>Acceptance: |p_y/p_z| must be below this (0.25).</summary>
    public double MaxSlopeY { get; init; } = 0.25;

    /// <summary>Acceptance: √(t_x² + t_y²) must exceed this (0.01, beam pipe).</summary>
    public double MinSlope { get; init; } = 0.01;

    /// <summary>Momentum points [GeV] of the σ_p/p table (RapidSim smear12.root).</summary>
    public double[] ResolutionMomenta { get; init; } = { 5, 10, 20, 30, 40, 50, 60, 70, 80, 100, 120, 150, 235 };

    /// <summary>Relative momentum resolution σ_p/p at <see cref="ResolutionMomenta"/>; linear interpolation, constant outside.</summary>
    public double[] RelativeMomentumResolution { get; init; } =
        { 0.0050, 0.0048, 0.0052, 0.0058, 0.0060, 0.0066, 0.0070, 0.0075, 0.0080, 0.0086, 0.0090, 0.0096, 0.0112 };

    /// <summary>Constant term of the slope resolution σ(t_x) = σ(t_y) = √(a² + (b/p)²) (a = 6.2e-5).</summary>
    public double SlopeResolutionConstant { get; init; } = 6.2e-5;

    /// <summary>Multiple-scattering term b [GeV] of the slope resolution (2.1e-3).</summary>
    public double SlopeResolutionScattering { get; init; } = 2.1e-3;

    /// <summary>
    /// Track multiplicity N_tracks entering the RapidSim vertex resolution of the PV. A fixed value instead of RapidSim's
    /// sampled histogram; 30 gives σ_xy ≈ 14 μm, σ_z ≈ 62 μm.
    /// </summary>
    public int PvTracks { get; init; } = 30;

    /// <summary>
    /// N_tracks used for the SV resolution. RapidSim uses the same formula and multiplicity as for the PV; the default
    /// follows it (30). Set 4 for a resolution driven by the four signal tracks (σ_xy ≈ 38 μm, σ_z ≈ 204 μm).
    /// </summary>
    public int SvTracks { get; init; } = 30;

    /// <summary>Selection: minimum muon momentum [GeV] (reconstructed).</summary>
    public double MuonPMin { get; init; } = 3.0;

    /// <summary>Selection: minimum muon transverse momentum [GeV] (reconstructed).</summary>
    public double MuonPtMin { get; init; } = 0.5;

    /// <summary>Selection: minimum momentum [GeV] of the hadron tracks K, π and soft π (reconstructed).</summary>
    public double TrackPMin { get; init; } = 1.0;

    /// <summary>Selection: minimum true B pseudorapidity (nominal LHCb acceptance 2 &lt; η &lt; 5).</summary>
    public double BEtaMin { get; init; } = 2.0;

    /// <summary>Selection: maximum true B pseudorapidity.</summary>
    public double BEtaMax { get; init; } = 5.0;

    /// <summary>
    /// Fit window: minimum reconstructed q² [GeV²]. The rest-frame approximation fails badly for a few per cent of events
    /// (B direction nearly transverse to the beam after vertex smearing) and gives q² of −10³ GeV² and below; analyses
    /// keep a window around the physical range, and so does SbiFit, so that such events neither pollute the
    /// standardisation of the network nor the templates.
    /// </summary>
    public double Q2RecoMin { get; init; } = -2.0;

    /// <summary>Fit window: maximum reconstructed q² [GeV²] (physical maximum 10.69).</summary>
    public double Q2RecoMax { get; init; } = 12.0;

    /// <summary>Fit window: minimum reconstructed M²_miss [GeV²].</summary>
    public double M2MissMin { get; init; } = -4.0;

    /// <summary>Fit window: maximum reconstructed M²_miss [GeV²].</summary>
    public double M2MissMax { get; init; } = 10.0;

    /// <summary>Vertex resolution (σ_xy, σ_z) in mm for N tracks, RapidSim RapidVertex.cc.</summary>
    public static (double Xy, double Z) VertexResolutionMm(int nTracks) =>
        ((10.8 + 37.8 * Math.Exp(-0.0815 * nTracks)) * 1e-3, (42.5 + 223.5 * Math.Exp(-0.0814 * nTracks)) * 1e-3);

    /// <summary>Throws <see cref="GeneratorConfigException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        static void Require(bool ok, string option, string problem)
        {
            if (!ok) throw new GeneratorConfigException($"detector option '{option}': {problem}");
        }
        Require(MaxSlopeX > 0, "max_slope_x", $"must be positive, got {MaxSlopeX}");
        Require(MaxSlopeY > 0, "max_slope_y", $"must be positive, got {MaxSlopeY}");
        Require(MinSlope >= 0, "min_slope", $"must be non-negative, got {MinSlope}");
        Require(ResolutionMomenta is { Length: > 0 }, "resolution_momenta", "must be a non-empty list");
        Require(RelativeMomentumResolution is not null && RelativeMomentumResolution.Length == ResolutionMomenta.Length,
            "relative_momentum_resolution", $"must have as many entries as resolution_momenta ({ResolutionMomenta.Length})");
        for (int i = 0; i < ResolutionMomenta.Length; i++)
        {
            Require(double.IsFinite(ResolutionMomenta[i]) && (i == 0 || ResolutionMomenta[i] > ResolutionMomenta[i - 1]),
                "resolution_momenta", "must be finite and strictly increasing");
            Require(RelativeMomentumResolution![i] >= 0 && double.IsFinite(RelativeMomentumResolution[i]),
                "relative_momentum_resolution", $"entry {i} must be finite and non-negative");
        }
        Require(SlopeResolutionConstant >= 0, "slope_resolution_constant", "must be non-negative");
        Require(SlopeResolutionScattering >= 0, "slope_resolution_scattering", "must be non-negative");
        Require(PvTracks >= 0, "pv_tracks", $"must be non-negative, got {PvTracks}");
        Require(SvTracks >= 0, "sv_tracks", $"must be non-negative, got {SvTracks}");
        Require(MuonPMin >= 0 && MuonPtMin >= 0 && TrackPMin >= 0, "muon_p_min/muon_pt_min/track_p_min", "cuts must be non-negative");
        Require(BEtaMin < BEtaMax, "b_eta_min", $"b_eta_min ({BEtaMin}) must be below b_eta_max ({BEtaMax})");
        Require(Q2RecoMin < Q2RecoMax, "q2_reco_min", $"q2_reco_min ({Q2RecoMin}) must be below q2_reco_max ({Q2RecoMax})");
        Require(M2MissMin < M2MissMax, "m2_miss_min", $"m2_miss_min ({M2MissMin}) must be below m2_miss_max ({M2MissMax})");
    }

    /// <summary>Relative momentum resolution at momentum <paramref name="p"/> [GeV] (linear interpolation in the table).</summary>
    public double RelativeResolutionAt(double p)
    {
        double[] xs = ResolutionMomenta, ys = RelativeMomentumResolution;
        if (p <= xs[0]) return ys[0];
        for (int i = 1; i < xs.Length; i++)
        {
            if (p <= xs[i]) return ys[i - 1] + (ys[i] - ys[i - 1]) * (p - xs[i - 1]) / (xs[i] - xs[i - 1]);
        }
        return ys[^1];
    }

    /// <summary>Serialises to indented snake_case JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ConfigJson.Options);

    /// <summary>Parses snake_case JSON (unknown keys are an error) and validates.</summary>
    public static DetectorConfig FromJson(string json)
    {
        DetectorConfig c = ConfigJson.Parse<DetectorConfig>(json, "detector config");
        c.Validate();
        return c;
    }
}
