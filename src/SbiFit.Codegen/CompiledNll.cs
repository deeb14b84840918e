using SbiFit.Inference;

namespace SbiFit.Codegen;

/// <summary>
/// The NLL of generated kernels bound to one dataset, as an <see cref="IObjective"/> over θ:
/// NLL(θ) = −Σ w_i [logit(x_i, θ) − logit(x_i, 0)] + extended term + constraints.
/// Events are split into fixed chunks of blocks; chunks run in parallel and their double partial sums are added in
/// chunk order, so results do not depend on the thread count. Not safe for concurrent calls on one instance.
/// </summary>
public sealed partial class CompiledNll : IObjective
{
    /// <summary>Event blocks per parallel work item (fixed, so sums are independent of the thread count).</summary>
    public const int BlocksPerChunk = 64;

    readonly INllKernels kernels;
    readonly INllData data;
    readonly int width;
    readonly ParallelOptions parallel;
    readonly GradientMode gradientMode;
    readonly double[] weights;
    readonly int events;
    readonly SmReferenceNormaliser? normaliser;
    LinearisationCache? lin;
    double debt;
    bool hessianProbes;

    /// <summary>
    /// Binds <paramref name="x"/> (raw features [events, n_x] row-major) and <paramref name="w"/> to the kernels and
    /// caches the standardised inputs z (or u = W1 z + b1 when the first layer is no wider than n_x) and logit(x, 0). <paramref name="analyticGradient"/> = false gives the value-only
    /// <c>codegen</c> backend (the minimiser differentiates numerically); true gives <c>codegen-ad</c>.
    /// </summary>
    /// <remarks>
    /// With <paramref name="smReference"/> (raw features of an SM sample) the ratio is normalised numerically:
    /// NLL += Σw · log ⟨r⟩_SM(θ), as the runtime backend's <c>LearnedRatioTerm</c> does (see <see cref="SmNormalised"/>).
    /// </remarks>
    public CompiledNll(INllKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<double> w, bool analyticGradient = true,
        GradientMode gradientMode = GradientMode.Auto, int maxThreads = 0, bool linearise = true, float[]? smReference = null)
    {
        this.kernels = kernels;
        int nx = kernels.FeatureNames.Count;
        if (x.Length % nx != 0) throw new ArgumentException($"x has {x.Length} values, not a multiple of the {nx} features.");
        data = kernels.Bind(x, w, x.Length / nx);
        width = kernels.FirstLayerWidth;
        parallel = new ParallelOptions { MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : Environment.ProcessorCount };
        HasGradient = analyticGradient;
        this.gradientMode = new NllOptions { GradientMode = gradientMode }.ResolveGradientMode(Dimension);
        ForEachChunk((b0, b1, _) => data.PrepareReference(b0, b1));
        events = x.Length / nx;
        Linearising = linearise && kernels.PiecewiseLinear && Dimension > 0;
        weights = Linearising ? w.ToArray() : [];   // only the prefix sums of the linearisation need them
        if (smReference is not null) normaliser = new SmReferenceNormaliser(kernels, smReference, parallel);
    }

    /// <summary>
    /// True when the ratio is normalised by its mean over an SM reference sample: NLL += Σw · log ⟨r⟩_SM(θ). Each call
    /// then also runs network passes over the reference sample (one for a value, 1 + n_θ for a value and gradient), and HESSE uses gradient differences (the
    /// forward-over-reverse Hessian does not cover the normalisation).
    /// </summary>
    public bool SmNormalised => normaliser is not null;

    /// <summary>⟨r⟩ over the SM reference sample at θ (1 for a perfectly trained network); NaN without one.</summary>
    public double MeanSmRatio(ReadOnlySpan<double> p)
    {
        CheckTheta(p);
        return normaliser is null ? double.NaN : Math.Exp(normaliser.LogMeanRatio(p.ToArray(), default));
    }

    /// <summary>Σw · log ⟨r⟩_SM(θ) (0 without a reference sample); its gradient is added into <paramref name="gradient"/>.</summary>
    double Normalisation(double[] theta, Span<double> gradient)
    {
        if (normaliser is null) return 0;
        Span<double> g = gradient.IsEmpty ? default : new double[Dimension];
        double sumW = data.SumOfWeights, value = sumW * normaliser.LogMeanRatio(theta, g);
        for (int k = 0; k < g.Length; k++) gradient[k] += sumW * g[k];
        return value;
    }

    /// <summary>
    /// True when the exact linearisation cache is in use (requested and the network is piecewise linear): see
    /// docs/likelihood.md. Events whose certified radius exceeds ‖θ − θ0‖_∞ contribute their exact affine
    /// extrapolation from the reference point θ0; only the others go through the network.
    /// </summary>
    public bool Linearising { get; }
    /// <summary>
    /// A new linearisation level is built only at points where at least this fraction of the events would need the
    /// full network (below it the unsafe events cost little and a level would mostly add bookkeeping).
    /// </summary>
    public const double RelineariseFraction = 0.05;

    /// <summary>
    /// Ski-rental factor: a new level (1 + n_θ network passes over the tail of the order it re-linearises) is bought
    /// once the network work spent on unsafe events since the last (re-)linearisation, this call included, reaches
    /// this fraction of its cost. Half: after a long move MIGRAD's next points cluster, so buying early pays (with one
    /// level for all events this rule, as debt ≥ 2 passes, took a 1e6-event 3-θ fit from 4.6–4.9 s to 3.4 s). A 1-θ
    /// gradient call in forward mode pays 1 + n_θ passes over its unsafe events anyway, so it always buys.
    /// </summary>
    public const double RelineariseDebt = 0.5;
    /// <summary>θ of the newest linearisation level (null before the first call).</summary>
    public IReadOnlyList<double>? ReferencePoint => lin?.ReferencePoint;
    /// <summary>Number of (re-)linearisations so far: the first one and every later level (each over part of the events).</summary>
    public int Linearisations { get; private set; }
    /// <summary>Events (padding included, whole blocks) evaluated through the full network by the last call; all of them without linearisation.</summary>
    public long LastFullEvents { get; private set; }
    /// <summary>Fraction of the events the last call evaluated through the full network (above 1 on a call that re-linearised: the re-linearised events count once more).</summary>
    public double LastFullFraction => (double)LastFullEvents / (data.Blocks * (long)kernels.BlockEvents);
    /// <summary>Events evaluated through the full network over all calls (counting each linearisation's events once more).</summary>
    public long TotalFullEvents { get; private set; }

    /// <inheritdoc/>
    public int Dimension => kernels.ThetaNames.Count;
    /// <summary>Σ w_i (N_obs of the extended term).</summary>
    public double ObservedYield => data.SumOfWeights;
    /// <inheritdoc/>
    public bool HasGradient { get; }
    /// <inheritdoc/>
    public bool HasHessian => HasGradient;
    /// <summary>Forward or reverse: the mode <see cref="ValueAndGradient"/> uses (Auto resolved by n_θ).</summary>
    public GradientMode GradientMode => gradientMode;
    /// <summary>Forward-over-reverse for smooth activations without SM normalisation, differences of the AD gradient otherwise.</summary>
    public HessianMethod HessianMethod => kernels.SmoothActivations && normaliser is null ? HessianMethod.ForwardOverReverse : HessianMethod.GradientDifferences;
    /// <summary>
    /// Steps for <see cref="HessianMethod.GradientDifferences"/>; null selects the automatic rule (see <see cref="Hessian(ReadOnlySpan{double}, Span{double})"/>).
    /// A minimiser that knows the parameter errors σ_k may set 0.1·σ_k here.
    /// </summary>
    public double[]? HessianSteps { get; set; }
    /// <summary>Steps the last gradient-difference Hessian used.</summary>
    public double[]? LastHessianSteps { get; private set; }

    void ForEachChunk(Action<int, int, int> body) => ForEachChunk(parallel, All, body);

    /// <summary>Every block of the bound dataset, as one range.</summary>
    (int Begin, int End)[] All => [(0, data.Blocks)];

    void CheckTheta(ReadOnlySpan<double> p)
    {
        if (p.Length != Dimension) throw new ArgumentException($"the NLL takes {Dimension} parameters ({string.Join(", ", kernels.ThetaNames)}), got {p.Length}.");
    }

    /// <summary>
    /// Drops the linearisation (the next call linearises afresh), so a new fit starts as it would in a fresh process;
    /// results do not change, only the work done.
    /// </summary>
    public void ResetLinearisation() { lin = null; debt = 0; }

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> p)
    {
        CheckTheta(p);
        var theta = p.ToArray();
        double learned = Linearising ? LinearisedValue(theta, default) : FullValue(data, All, theta);
        return learned + kernels.Penalty(theta, data.SumOfWeights, default, default) + Normalisation(theta, default);
    }

    /// <summary>Learned term over the block <paramref name="ranges"/> of <paramref name="d"/>.</summary>
    double FullValue(INllData d, IReadOnlyList<(int Begin, int End)> ranges, double[] theta)
    {
        var parts = new double[ChunkCount(ranges)];
        ForEachChunk(parallel, ranges, (b0, b1, c) => parts[c] = d.Value(b0, b1, theta));
        Count(ranges);
        return Sum(parts);
    }

    void Count(IReadOnlyList<(int Begin, int End)> ranges)
    {
        LastFullEvents = ranges.Sum(r => r.End - r.Begin) * (long)kernels.BlockEvents;
        TotalFullEvents += LastFullEvents;
    }

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient)
    {
        if (!HasGradient) throw new NotSupportedException("this CompiledNll was built without analytic gradient (codegen backend).");
        CheckTheta(p);
        if (gradient.Length != Dimension) throw new ArgumentException($"gradient has {gradient.Length} entries, expected {Dimension}.");
        var theta = p.ToArray();
        double learned = Linearising ? LinearisedValue(theta, gradient) : FullValueGradient(data, All, theta, gradient);
        return learned + kernels.Penalty(theta, data.SumOfWeights, gradient, default) + Normalisation(theta, gradient);
    }

    /// <summary>Learned term and its θ-gradient (written into <paramref name="gradient"/>) over the block <paramref name="ranges"/> of <paramref name="d"/>.</summary>
    double FullValueGradient(INllData d, IReadOnlyList<(int Begin, int End)> ranges, double[] theta, Span<double> gradient)
    {
        int n = Dimension, count = ChunkCount(ranges);
        var parts = new double[count];
        if (gradientMode == GradientMode.Forward)
        {
            var grads = new double[count * n];
            ForEachChunk(parallel, ranges, (b0, b1, c) => parts[c] = d.ValueGradientForward(b0, b1, theta, grads.AsSpan(c * n, n)));
            SumColumns(grads, n, gradient);
        }
        else
        {
            var first = new double[count * width];
            ForEachChunk(parallel, ranges, (b0, b1, c) => parts[c] = d.ValueGradientReverse(b0, b1, theta, first.AsSpan(c * width, width)));
            var g = new double[width];
            SumColumns(first, width, g);
            kernels.ProjectToTheta(g, gradient);
        }
        Count(ranges);
        return Sum(parts);
    }

    /// <summary>
    /// Runs <paramref name="body"/>(b0, b1, chunk) over fixed chunks of <see cref="BlocksPerChunk"/> blocks of each
    /// range in turn, chunk numbers in that order (so partial sums can be added in a fixed order).
    /// </summary>
    internal static void ForEachChunk(ParallelOptions parallel, IReadOnlyList<(int Begin, int End)> ranges, Action<int, int, int> body)
    {
        var chunks = new List<(int, int)>();
        foreach (var (begin, end) in ranges)
            for (int b = begin; b < end; b += BlocksPerChunk) chunks.Add((b, Math.Min(end, b + BlocksPerChunk)));
        void Run(int c) => body(chunks[c].Item1, chunks[c].Item2, c);
        if (parallel.MaxDegreeOfParallelism == 1 || chunks.Count <= 1) for (int c = 0; c < chunks.Count; c++) Run(c);
        else Parallel.For(0, chunks.Count, parallel, Run);
    }

    static int ChunkCount(IReadOnlyList<(int Begin, int End)> ranges) => ranges.Sum(r => (r.End - r.Begin + BlocksPerChunk - 1) / BlocksPerChunk);

    /// <summary>
    /// Learned term (and its gradient, when <paramref name="gradient"/> is not empty) through the linearisation cache:
    /// the certified-safe events from the levels' prefix sums, the others through the network. Re-linearises the
    /// unsafe tail of the order at θ as a new level (see <see cref="LinearisationCache"/>) once the network work spent
    /// on unsafe events since the last (re-)linearisation reaches <see cref="RelineariseDebt"/> times the new level's
    /// cost, and at least <see cref="RelineariseFraction"/> of the events are unsafe.
    /// </summary>
    double LinearisedValue(double[] theta, Span<double> gradient)
    {
        int n = Dimension;
        if (lin is null)
        {
            lin = new LinearisationCache(data, theta, weights, n, kernels.BlockEvents, events, parallel);
            return AfterNewLevel(data.Blocks * (long)kernels.BlockEvents, theta, gradient);
        }
        var cache = lin;
        Span<double> tangent = gradient.IsEmpty ? default : new double[n];
        var ranges = cache.Split(theta, out double linear, tangent);
        int unsafeBlocks = ranges.Sum(r => r.End - r.Begin);
        double unsafeFraction = unsafeBlocks / (double)data.Blocks;
        // codegen-ad re-linearises only on gradient calls (the points MIGRAD keeps); a far value-only call (a line
        // search probe) just evaluates its unsafe blocks, which never costs more than a plain evaluation.
        bool mayRelinearise = (!gradient.IsEmpty || !HasGradient) && !hessianProbes;
        double callPasses = gradient.IsEmpty ? 1 : gradientMode == GradientMode.Forward ? 1 + n : 2;
        debt += unsafeFraction * callPasses;
        if (mayRelinearise && unsafeFraction >= RelineariseFraction)
        {
            // Ski rental: the new level costs 1 + n_θ passes over the tail from the first unsafe block on.
            double tail = (data.Blocks - ranges[0].Begin) / (double)data.Blocks;
            if (debt >= RelineariseDebt * tail * (1 + n))
                return AfterNewLevel(cache.AddLevel(ranges[0].Begin, theta), theta, gradient);
        }
        return FullPart(ranges, linear, tangent, theta, gradient);
    }

    /// <summary>Books a level that sent <paramref name="evaluated"/> events through the network, and evaluates at its own θ (all but radius-0 events safe).</summary>
    double AfterNewLevel(long evaluated, double[] theta, Span<double> gradient)
    {
        Linearisations++;
        TotalFullEvents += evaluated;
        debt = 0;
        Span<double> tangent = gradient.IsEmpty ? default : new double[Dimension];
        var ranges = lin!.Split(theta, out double linear, tangent);
        double v = FullPart(ranges, linear, tangent, theta, gradient);
        LastFullEvents += evaluated;
        return v;
    }

    /// <summary>
    /// Learned term (and gradient) at θ from the cache's split there: the unsafe <paramref name="ranges"/> through the
    /// network, minus the safe events' affine sum <paramref name="linear"/> (θ-gradient <paramref name="tangent"/>).
    /// </summary>
    double FullPart(IReadOnlyList<(int Begin, int End)> ranges, double linear, ReadOnlySpan<double> tangent, double[] theta, Span<double> gradient)
    {
        var sorted = lin!.Sorted;
        if (gradient.IsEmpty) return FullValue(sorted, ranges, theta) - linear;
        double full = FullValueGradient(sorted, ranges, theta, gradient);
        for (int k = 0; k < Dimension; k++) gradient[k] -= tangent[k];
        return full - linear;
    }

    /// <summary>Fixed-order sum of chunk partials (pairwise, so the rounding does not grow with the chunk count).</summary>
    static double Sum(ReadOnlySpan<double> v) => v.Length switch
    {
        0 => 0,
        1 => v[0],
        _ => Sum(v[..(v.Length / 2)]) + Sum(v[(v.Length / 2)..]),
    };

    /// <summary>out[j] = Σ_c parts[c, j] in chunk order.</summary>
    static void SumColumns(double[] parts, int stride, Span<double> result)
    {
        result[..stride].Clear();
        for (int c = 0; c < parts.Length / stride; c++)
            for (int j = 0; j < stride; j++) result[j] += parts[c * stride + j];
    }
}
