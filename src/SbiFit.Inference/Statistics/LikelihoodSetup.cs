using SbiFit.Data;
using System.Numerics;
using SbiFit.Inference.Likelihood;
using SbiFit.Learning;
using SbiFit.Physics;

namespace SbiFit.Inference.Statistics;

/// <summary>
/// Everything needed to build the NLL of one dataset for any set of event weights: the likelihood kind (truth-level
/// oracle or learned ratio), the POIs, the rate form I(c) of the SM reference sample and N_SM. Asimov and toy studies
/// reweight the same events, so they rebuild the NLL from here with new weights.
/// The extended term uses ν(θ) = N_SM · I(θ)/I(0) with N_SM = number of data events: weights at θ_gen from the
/// unnormalised contraction w_i = c W_i c† sum to ≈ N_SM · I(θ_gen)/I(0), which makes the yield informative.
/// </summary>
public sealed class LikelihoodSetup
{
    private readonly Func<double[], INllTerm>? _ratioTerm;
    private readonly Func<double[], double, IObjective>? _objective;

    private LikelihoodSetup(string kind, IReadOnlyList<string> pois, RateQuadraticForm rate, double nSm, int events,
        double[]? packedW, Func<double[], INllTerm>? ratioTerm, Func<double[], double, IObjective>? objective = null)
    {
        if (pois.Count == 0) throw new ArgumentException("At least one parameter of interest (POI) is needed.");
        if (events == 0) throw new ArgumentException("The dataset is empty: no events to fit.");
        Kind = kind;
        Pois = pois.ToArray();
        Map = new WilsonParameterMap(Pois);
        Rate = rate;
        NSm = nSm;
        Events = events;
        PackedW = packedW;
        _ratioTerm = ratioTerm;
        _objective = objective;
    }

    /// <summary>"oracle" or "sbi".</summary>
    public string Kind { get; }

    /// <summary>Parameters of interest (WC parameter names such as V_R, Im_V_R, S_L), in fit-vector order.</summary>
    public IReadOnlyList<string> Pois { get; }

    /// <summary>Maps the POIs onto the WC vector c.</summary>
    public WilsonParameterMap Map { get; }

    /// <summary>Rate form of the SM reference sample.</summary>
    public RateQuadraticForm Rate { get; }

    /// <summary>Expected SM yield of the extended term.</summary>
    public double NSm { get; }

    /// <summary>Number of data events.</summary>
    public int Events { get; }

    /// <summary>Packed W/W00 of the data events (row-major [N, 25]); null when the data carry no weight matrices.</summary>
    public double[]? PackedW { get; }

    /// <summary>
    /// Per-POI limits (null entries: unlimited). A learned ratio is only valid where the network was trained: outside
    /// its θ range it extrapolates and can produce spurious, even deeper minima, so SBI fits are bounded by that range.
    /// </summary>
    public IReadOnlyList<(double Lo, double Hi)?> PoiLimits { get; private init; } = [];

    /// <summary>This setup with <paramref name="limits"/> (one entry per POI, null = unlimited) on the fit parameters.</summary>
    public LikelihoodSetup WithPoiLimits(IReadOnlyList<(double Lo, double Hi)?> limits)
    {
        if (limits.Count != Pois.Count) throw new ArgumentException($"{limits.Count} limits for {Pois.Count} POIs.");
        for (int k = 0; k < limits.Count; k++)
            if (limits[k] is { } l && !(l.Lo < l.Hi))
                throw new ArgumentException($"limits of '{Pois[k]}' are inverted or empty: [{l.Lo}, {l.Hi}].");
        return new LikelihoodSetup(Kind, Pois, Rate, NSm, Events, PackedW, _ratioTerm, _objective) { PoiLimits = limits.ToArray() };
    }

    /// <summary>The truth-level oracle (exact ratio from the data's weight matrices) plus the extended term.</summary>
    public static LikelihoodSetup Oracle(double[] packedW, IReadOnlyList<string> pois, RateQuadraticForm rate, double? nSm = null)
    {
        int n = packedW.Length / WeightMatrixLayout.PackedLength;
        var map = new WilsonParameterMap(pois);
        var index = Enumerable.Range(0, pois.Count).ToArray();
        return new LikelihoodSetup("oracle", pois, rate, nSm ?? n, n, packedW, w => new OracleRatioTerm(packedW, w, map, index, rate));
    }

    /// <summary>
    /// The learned ratio of <paramref name="model"/> on features <paramref name="x"/> (row-major [N, n_x], model order)
    /// plus the extended term. <paramref name="thetaToPoi"/>[t] is the POI index fed to network theta input t (−1: zero).
    /// With <paramref name="smReferenceX"/> the ratio is normalised numerically by its mean over that SM sample.
    /// </summary>
    public static LikelihoodSetup Learned(ILogitModel model, float[] x, int[] thetaToPoi, IReadOnlyList<string> pois,
        RateQuadraticForm rate, double[]? packedW = null, double? nSm = null, float[]? smReferenceX = null)
    {
        int nx = model.FeatureNames.Count;
        if (nx == 0 || x.Length % nx != 0) throw new ArgumentException($"Feature array of {x.Length} values is not a multiple of {nx} features.");
        int n = x.Length / nx;
        if (packedW is not null && packedW.Length != n * WeightMatrixLayout.PackedLength)
            throw new ArgumentException("Weight-matrix array does not match the number of events.");
        foreach (int t in thetaToPoi)
            if (t >= pois.Count) throw new ArgumentException($"Theta map points at POI {t}, but only {pois.Count} POIs exist.");
        return new LikelihoodSetup("sbi", pois, rate, nSm ?? n, n, packedW, w => new LearnedRatioTerm(model, x, w, thetaToPoi, smReferenceX));
    }

    /// <summary>
    /// A learned likelihood whose whole NLL (ratio + extended term) comes from an evaluation backend, e.g. generated code:
    /// <paramref name="objective"/>(weights, N_obs) must return the NLL over the POIs in <see cref="Pois"/> order.
    /// </summary>
    public static LikelihoodSetup FromBackend(string kind, IReadOnlyList<string> pois, RateQuadraticForm rate, int events,
        Func<double[], double, IObjective> objective, double[]? packedW = null, double? nSm = null) =>
        new(kind, pois, rate, nSm ?? events, events, packedW, null, objective);

    /// <summary>Fit parameters (start 0 or <paramref name="start"/>, step 0.1, <see cref="PoiLimits"/>) for the POIs.</summary>
    public IReadOnlyList<Parameter> Parameters(IReadOnlyList<double>? start = null) =>
        Pois.Select((p, k) =>
        {
            var limit = k < PoiLimits.Count ? PoiLimits[k] : null;
            double value = start?[k] ?? 0.0;
            // A start on (or beyond) a limit sits where MINUIT's sine transform has zero slope: start just inside.
            if (limit is { } l) value = Math.Clamp(value, l.Lo + 1e-3 * (l.Hi - l.Lo), l.Hi - 1e-3 * (l.Hi - l.Lo));
            return new Parameter(p, value, 0.1, limit?.Lo, limit?.Hi);
        }).ToArray();

    /// <summary>The NLL = ratio term + extended term for event weights <paramref name="weights"/>.</summary>
    public IObjective Build(double[] weights)
    {
        if (weights.Length != Events) throw new ArgumentException($"{weights.Length} weights for {Events} events.");
        for (int i = 0; i < weights.Length; i++)
            if (!double.IsFinite(weights[i])) throw new ArgumentException($"Event weight {i} is {weights[i]}: weights must be finite.");
        double nObs = CompensatedSum.Pairwise(weights);
        if (_objective is not null) return _objective(weights, nObs);
        var nll = new NllModel(Parameters());
        nll.Add(_ratioTerm!(weights));
        nll.Add(new ExtendedTerm(Rate, Map, Enumerable.Range(0, Pois.Count).ToArray(), NSm, nObs));
        return nll;
    }

    /// <summary>
    /// ⟨r⟩ over the SM reference sample at θ for an SM-normalised learned NLL (built by <see cref="Build"/> or a backend
    /// that implements <see cref="ISmNormalisedObjective"/>; NaN otherwise);
    /// far from 1 is the sign of a badly trained network.
    /// </summary>
    public static double MeanSmRatio(IObjective nll, IReadOnlyList<double> theta) => nll switch
    {
        ISmNormalisedObjective normalised => normalised.MeanSmRatio(theta.ToArray()),
        NllModel model => model.Terms.OfType<LearnedRatioTerm>().FirstOrDefault()?.MeanSmRatio(theta.ToArray()) ?? double.NaN,
        _ => double.NaN,
    };

    /// <summary>The WC vector c at POI values θ.</summary>
    public Complex[] CoefficientsAt(IReadOnlyList<double> theta) => Map.ToC(theta.ToArray());

    /// <summary>
    /// Asimov weights w_i = base_i · c W_i c† at θ_gen (unnormalised; base = 1 when null). Needs the data's weight matrices.
    /// </summary>
    public double[] AsimovWeights(IReadOnlyList<double> thetaGen, double[]? baseWeights = null)
    {
        if (PackedW is null)
            throw new ArgumentException("Asimov weights need the per-event weight matrices (w_re_*/w_im_* columns) in the data.");
        if (thetaGen.Count != Pois.Count) throw new ArgumentException($"theta_gen has {thetaGen.Count} values for {Pois.Count} POIs.");
        var c = CoefficientsAt(thetaGen);
        int p = WeightMatrixLayout.PackedLength;
        var w = new double[Events];
        for (int i = 0; i < w.Length; i++)
            w[i] = (baseWeights?[i] ?? 1.0) * WeightMatrixLayout.Contract(PackedW.AsSpan(i * p, p), c);
        return w;
    }
}
