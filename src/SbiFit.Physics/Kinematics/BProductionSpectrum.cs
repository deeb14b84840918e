namespace SbiFit.Physics.Kinematics;

/// <summary>
/// B production at √s = 13 TeV (physics-reference §8.1, RapidSim-style): p_T and η sampled independently, φ uniform;
/// primary vertex from the beam spot; flight distance from the B⁰ lifetime.
/// <para>
/// p_T follows the FONLL fit dN/dp_T ∝ p_T/[1 + (p_T/p₀)²]^n, sampled by its exact inverse CDF on [0, p_T,max]
/// (the analytic form has median p₀√(2^{1/(n−1)} − 1) = 4.22 GeV and mean ≈ 5.4 GeV for the defaults, against 4.12 and 5.32 GeV
/// of the FONLL histogram). η is piecewise uniform over the tabulated 0.25-wide FONLL fractions in [1, 6], restricted to
/// [η_min, η_max].
/// </para>
/// </summary>
public sealed class BProductionSpectrum
{
    /// <summary>FONLL b-quark η fractions in 0.25-wide bins from η = 1 to 6 (§8.1).</summary>
    private static readonly double[] EtaFractions =
    {
        0.0635, 0.0658, 0.0787, 0.0682, 0.0680, 0.0670, 0.0758, 0.0623, 0.0592, 0.0557,
        0.0601, 0.0471, 0.0428, 0.0384, 0.0396, 0.0289, 0.0248, 0.0209, 0.0198, 0.0135,
    };

    private const double EtaTableMin = 1.0, EtaBinWidth = 0.25;
    private readonly double[] _etaCdf; // CDF at bin edges, normalised over the table
    private readonly double _cdfLo, _cdfHi;
    private readonly double _ptTailAtMax; // [1 + (pTmax/p0)²]^(1−n)

    /// <summary>Default spectrum: p₀ = 5.37 GeV, n = 2.44, p_T ∈ [0, 100] GeV, η ∈ [1, 6].</summary>
    public static BProductionSpectrum Default { get; } = new();

    /// <summary>Creates a spectrum; η limits must lie within the tabulated [1, 6].</summary>
    public BProductionSpectrum(double p0 = 5.37, double n = 2.44, double ptMax = 100, double etaMin = 1, double etaMax = 6)
    {
        if (!(p0 > 0)) throw new ArgumentOutOfRangeException(nameof(p0), $"p0 = {p0} must be positive");
        if (!(n > 1)) throw new ArgumentOutOfRangeException(nameof(n), $"n = {n} must exceed 1 for a normalisable spectrum");
        if (!(ptMax > 0)) throw new ArgumentOutOfRangeException(nameof(ptMax), $"ptMax = {ptMax} must be positive");
        if (!(etaMin >= EtaTableMin && etaMax <= EtaTableMin + EtaBinWidth * EtaFractions.Length && etaMin < etaMax))
            throw new ArgumentOutOfRangeException(nameof(etaMin), $"eta range [{etaMin}, {etaMax}] must be a non-empty part of [1, 6]");
        P0 = p0; N = n; PtMax = ptMax; EtaMin = etaMin; EtaMax = etaMax;
        _ptTailAtMax = Math.Pow(1 + (ptMax / p0) * (ptMax / p0), 1 - n);

        _etaCdf = new double[EtaFractions.Length + 1];
        double total = 0;
        foreach (double f in EtaFractions) total += f;
        for (int i = 0; i < EtaFractions.Length; i++) _etaCdf[i + 1] = _etaCdf[i] + EtaFractions[i] / total;
        _etaCdf[^1] = 1.0;
        _cdfLo = EtaCdf(etaMin);
        _cdfHi = EtaCdf(etaMax);
    }

    /// <summary>Scale p₀ of the p_T spectrum [GeV].</summary>
    public double P0 { get; }

    /// <summary>Power n of the p_T spectrum.</summary>
    public double N { get; }

    /// <summary>Upper end of the p_T range [GeV].</summary>
    public double PtMax { get; }

    /// <summary>Lower end of the sampled η range.</summary>
    public double EtaMin { get; }

    /// <summary>Upper end of the sampled η range.</summary>
    public double EtaMax { get; }

    /// <summary>Beam-spot width in x and y [mm] (RapidSim config/beam.dat).</summary>
    public double BeamSigmaXyMm { get; init; } = 0.035;

    /// <summary>Beam-spot length in z [mm].</summary>
    public double BeamSigmaZMm { get; init; } = 60.0;

    /// <summary>Cumulative distribution of the (truncated) p_T spectrum.</summary>
    public double PtCdf(double pt)
    {
        if (pt <= 0) return 0;
        if (pt >= PtMax) return 1;
        double tail = Math.Pow(1 + (pt / P0) * (pt / P0), 1 - N);
        return (1 - tail) / (1 - _ptTailAtMax);
    }

    /// <summary>p_T [GeV] by exact inverse CDF.</summary>
    public double SamplePt(Rng rng)
    {
        double r = rng.NextDouble();
        double u = Math.Pow(1 - r * (1 - _ptTailAtMax), 1 / (1 - N)); // u = 1 + (p_T/p₀)²
        return P0 * Math.Sqrt(Math.Max(0, u - 1));
    }

    /// <summary>Cumulative η distribution of the full table (piecewise linear in η).</summary>
    private double EtaCdf(double eta)
    {
        double t = (eta - EtaTableMin) / EtaBinWidth;
        int i = Math.Clamp((int)Math.Floor(t), 0, EtaFractions.Length - 1);
        double frac = Math.Clamp(t - i, 0, 1);
        return _etaCdf[i] + frac * (_etaCdf[i + 1] - _etaCdf[i]);
    }

    /// <summary>η from the piecewise-uniform table restricted to [η_min, η_max].</summary>
    public double SampleEta(Rng rng)
    {
        double c = _cdfLo + rng.NextDouble() * (_cdfHi - _cdfLo);
        int i = Array.BinarySearch(_etaCdf, c);
        if (i < 0) i = ~i - 1;
        i = Math.Clamp(i, 0, EtaFractions.Length - 1);
        double width = _etaCdf[i + 1] - _etaCdf[i];
        double eta = EtaTableMin + EtaBinWidth * (i + (width > 0 ? (c - _etaCdf[i]) / width : 0));
        return Math.Clamp(eta, EtaMin, EtaMax);
    }

    /// <summary>B three-momentum [GeV] from (p_T, η, φ uniform).</summary>
    public Vec3 SampleMomentum(Rng rng, out double pt, out double eta)
    {
        pt = SamplePt(rng);
        eta = SampleEta(rng);
        var (s, c) = Math.SinCos(2 * Math.PI * rng.NextDouble());
        return new Vec3(pt * c, pt * s, pt * Math.Sinh(eta));
    }

    /// <summary>Primary vertex [mm] from the Gaussian beam spot centred at the origin.</summary>
    public Vec3 SamplePrimaryVertex(Rng rng) =>
        new(BeamSigmaXyMm * rng.NextGaussian(), BeamSigmaXyMm * rng.NextGaussian(), BeamSigmaZMm * rng.NextGaussian());

    /// <summary>
    /// B⁰ flight vector [mm] for lab momentum <paramref name="pB"/>: exponential proper time (τ = 1.517 ps), length
    /// βγ cτ t/τ along p̂_B.
    /// </summary>
    public static Vec3 SampleFlight(in Vec3 pB, Rng rng) =>
        (Masses.B0CTauMm / Masses.B0 * rng.NextExponential(1.0)) * pB;
}
