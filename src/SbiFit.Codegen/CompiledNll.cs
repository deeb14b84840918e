using SbiFit.Inference;

namespace SbiFit.Codegen;

/// <summary>
/// The NLL of generated kernels bound to one dataset, as an <see cref="IObjective"/> over θ:
/// NLL(θ) = −Σ w_i [logit(x_i, θ) − logit(x_i, 0)] + extended term + constraints.
/// Events are split into fixed chunks of blocks; chunks run in parallel and their double partial sums are added in
/// chunk order, so results do not depend on the thread count. Not safe for concurrent calls on one instance.
/// </summary>
public sealed class CompiledNll : IObjective
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
    /// then also runs 1 + n_θ network passes over the reference sample, and HESSE uses gradient differences (the
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
        var ranges = cache.Split(theta, out _, default);
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
        return FullPart(theta, gradient);
    }

    /// <summary>Books a level that sent <paramref name="evaluated"/> events through the network, and evaluates at its own θ (all but radius-0 events safe).</summary>
    double AfterNewLevel(long evaluated, double[] theta, Span<double> gradient)
    {
        Linearisations++;
        TotalFullEvents += evaluated;
        debt = 0;
        double v = FullPart(theta, gradient);
        LastFullEvents += evaluated;
        return v;
    }

    /// <summary>Learned term (and gradient) at θ: the unsafe ranges through the network, minus the safe events' affine sums.</summary>
    double FullPart(double[] theta, Span<double> gradient)
    {
        var l = lin!;
        Span<double> tangent = gradient.IsEmpty ? default : new double[Dimension];
        var ranges = l.Split(theta, out double linear, tangent);
        if (gradient.IsEmpty) return FullValue(l.Sorted, ranges, theta) - linear;
        double full = FullValueGradient(l.Sorted, ranges, theta, gradient);
        for (int k = 0; k < Dimension; k++) gradient[k] -= tangent[k];
        return full - linear;
    }

    /// <summary>
    /// Hessian by <see cref="HessianMethod"/>. Forward over reverse: exact, H[:, k] = Mᵀ dG/dθ_k (M = W1 Vᵀ) plus the
    /// analytic penalty Hessian. Gradient differences (piecewise-linear activations, whose exact Hessian ignores the
    /// kinks): H[:, k] = (∇(θ + h_k e_k) − ∇(θ − h_k e_k)) / 2h_k, symmetrised, with h_k from <see cref="HessianSteps"/>
    /// or the two-pass rule: a pilot pass with h_k = 0.1·s_k from the caller's curvature scales s (see
    /// <see cref="IObjective.Hessian(ReadOnlySpan{double}, Span{double}, ReadOnlySpan{double})"/>; h_k = 0.01·max(1, |θ_k|)
    /// without them) estimates σ_k = 1/√H_kk, then a second pass with h_k = 0.1·σ_k unless every pilot step is already
    /// within a factor 1.5 of it (the pilot step is kept where H_kk ≤ 0). A step of 0.1σ spans many kinks of an event sum, so the difference
    /// measures the curvature HESSE needs, and changes the NLL by only ~0.005 units, where the quadratic
    /// approximation holds.
    /// </summary>
    public void Hessian(ReadOnlySpan<double> p, Span<double> hessian) => Hessian(p, hessian, default);

    /// <inheritdoc cref="Hessian(ReadOnlySpan{double}, Span{double})"/>
    public void Hessian(ReadOnlySpan<double> p, Span<double> hessian, ReadOnlySpan<double> scales)
    {
        if (!HasHessian) throw new NotSupportedException("this CompiledNll was built without analytic derivatives (codegen backend).");
        CheckTheta(p);
        int n = Dimension;
        if (hessian.Length != n * n) throw new ArgumentException($"hessian has {hessian.Length} entries, expected {n}x{n}.");
        var theta = p.ToArray();
        if (HessianMethod == HessianMethod.ForwardOverReverse) ExactHessian(theta, hessian);
        else
        {
            var steps = HessianSteps?.ToArray()
                ?? (scales.Length == n && AllPositive(scales) ? scales.ToArray().Select(s => 0.1 * s).ToArray() : null)
                ?? theta.Select(t => 0.01 * Math.Max(1, Math.Abs(t))).ToArray();
            if (steps.Length != n || steps.Any(h => !(h > 0))) throw new ArgumentException($"HessianSteps needs {n} positive steps.");
            if (HessianSteps is null) CapPilotSteps(theta, steps);
            DifferenceHessian(theta, steps, hessian);
            if (HessianSteps is null)
            {
                var target = (double[])steps.Clone();
                for (int k = 0; k < n; k++) if (hessian[k * n + k] > 0) target[k] = 0.1 / Math.Sqrt(hessian[k * n + k]);
                // A second pass only where the pilot step is not already within a factor 1.5 of 0.1 sigma.
                if (target.Zip(steps).Any(t => t.First > 1.5 * t.Second || t.Second > 1.5 * t.First))
                {
                    steps = target;
                    DifferenceHessian(theta, steps, hessian);
                }
            }
            LastHessianSteps = steps;
        }
    }

    /// <summary>
    /// Caps each pilot step at half the error the extended term and constraints alone would give, 0.5/√H_kk of their
    /// analytic Hessian. The pilot only sizes the second pass (0.1σ), and 0.1 × the caller's scale (the parameter's
    /// step at MIGRAD's start) is many σ for a large dataset: at 1e6 events, 3 θ, its 2·n_θ gradients sent a third of
    /// the events outside the linearisation cache, more network work than the rest of the fit. The cap depends only on
    /// θ and the data, not on the cache, so fits with and without it take the same steps.
    /// </summary>
    void CapPilotSteps(double[] theta, double[] steps)
    {
        int n = Dimension;
        var h = new double[n * n];
        kernels.Penalty(theta, data.SumOfWeights, default, h);
        for (int k = 0; k < n; k++)
            if (h[k * n + k] > 0 && double.IsFinite(h[k * n + k])) steps[k] = Math.Min(steps[k], 0.5 / Math.Sqrt(h[k * n + k]));
    }

    static bool AllPositive(ReadOnlySpan<double> v)
    {
        foreach (double x in v) if (!(x > 0) || !double.IsFinite(x)) return false;
        return true;
    }

    void ExactHessian(double[] theta, Span<double> hessian)
    {
        int n = Dimension;
        var cols = new double[ChunkCount(All) * n * width];
        ForEachChunk((b0, b1, c) => data.HessianColumns(b0, b1, theta, cols.AsSpan(c * n * width, n * width)));
        var total = new double[n * width];
        SumColumns(cols, n * width, total);
        var row = new double[n];
        for (int k = 0; k < n; k++)
        {
            kernels.ProjectToTheta(total.AsSpan(k * width, width), row);
            for (int j = 0; j < n; j++) hessian[j * n + k] = row[j];
        }
        Symmetrise(hessian, n);
        kernels.Penalty(theta, data.SumOfWeights, default, hessian);
    }

    void DifferenceHessian(double[] theta, double[] steps, Span<double> hessian)
    {
        int n = Dimension;
        // The 2·n_θ probes sit within a few 0.1σ of θ: one level at θ itself (when more than a few events are unsafe
        // there) serves them all, and none is built at a probe, where the next probe would only replace it.
        if (Linearising && lin is not null)
        {
            var ranges = lin.Split(theta, out _, default);
            if (ranges.Count > 0 && ranges.Sum(r => r.End - r.Begin) >= RelineariseFraction * data.Blocks)
            {
                TotalFullEvents += lin.AddLevel(ranges[0].Begin, theta);
                Linearisations++;
                debt = 0;
            }
        }
        var gp = new double[n]; var gm = new double[n]; var t = (double[])theta.Clone();
        hessianProbes = true;
        try
        {
            for (int k = 0; k < n; k++)
            {
                t[k] = theta[k] + steps[k]; ValueAndGradient(t, gp);
                t[k] = theta[k] - steps[k]; ValueAndGradient(t, gm);
                t[k] = theta[k];
                for (int j = 0; j < n; j++) hessian[j * n + k] = (gp[j] - gm[j]) / (2 * steps[k]);
            }
        }
        finally { hessianProbes = false; }
        Symmetrise(hessian, n);
    }

    static void Symmetrise(Span<double> h, int n)
    {
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) h[i * n + j] = h[j * n + i] = 0.5 * (h[i * n + j] + h[j * n + i]);
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
