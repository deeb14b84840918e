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
    Linearisation? lin;
    double debt;

    /// <summary>
    /// Binds <paramref name="x"/> (raw features [events, n_x] row-major) and <paramref name="w"/> to the kernels and
    /// caches the standardised inputs z (or u = W1 z + b1 when the first layer is no wider than n_x) and logit(x, 0). <paramref name="analyticGradient"/> = false gives the value-only
    /// <c>codegen</c> backend (the minimiser differentiates numerically); true gives <c>codegen-ad</c>.
    /// </summary>
    public CompiledNll(INllKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<double> w, bool analyticGradient = true,
        GradientMode gradientMode = GradientMode.Auto, int maxThreads = 0, bool linearise = true)
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
    }

    /// <summary>
    /// True when the exact linearisation cache is in use (requested and the network is piecewise linear): see
    /// docs/likelihood.md. Events whose certified radius exceeds ‖θ − θ0‖_∞ contribute their exact affine
    /// extrapolation from the reference point θ0; only the others go through the network.
    /// </summary>
    public bool Linearising { get; }
    /// <summary>
    /// Re-linearise only at points where more than this fraction of the events would need the full network, and only
    /// once the network work spent on unsafe events since the last linearisation has reached <see cref="RelineariseDebt"/>.
    /// </summary>
    public const double RelineariseFraction = 0.3;

    /// <summary>
    /// Network work (in full passes) spent on unsafe events since the last linearisation before another one is bought.
    /// Two passes, not the 1 + n_θ a linearisation costs (the plain ski-rental rule): after a long move MIGRAD's next
    /// points cluster, so buying earlier pays. Measured at 1e6 events, 3 θ, near-SM Asimov fit: 3.4 s instead of
    /// 4.6–4.9 s (full passes 6.0 → 4.0); on the old far-minimum problem (1e5, 3 θ) 2.8 s instead of 2.4 s.
    /// </summary>
    public const double RelineariseDebt = 2;
    /// <summary>θ0 of the current linearisation (null before the first call).</summary>
    public IReadOnlyList<double>? ReferencePoint => lin?.Theta0;
    /// <summary>Number of (re-)linearisations so far.</summary>
    public int Linearisations { get; private set; }
    /// <summary>Events (padding included, whole blocks) evaluated through the full network by the last call; all of them without linearisation.</summary>
    public long LastFullEvents { get; private set; }
    /// <summary>Fraction of the events the last call evaluated through the full network (above 1 on a call that re-linearised: the linearisation pass counts as all events).</summary>
    public double LastFullFraction => (double)LastFullEvents / (data.Blocks * (long)kernels.BlockEvents);
    /// <summary>Events evaluated through the full network over all calls (counting each linearisation as all events).</summary>
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
    /// <summary>Forward-over-reverse for smooth activations, differences of the AD gradient otherwise.</summary>
    public HessianMethod HessianMethod => kernels.SmoothActivations ? HessianMethod.ForwardOverReverse : HessianMethod.GradientDifferences;
    /// <summary>
    /// Steps for <see cref="HessianMethod.GradientDifferences"/>; null selects the automatic rule (see <see cref="Hessian(ReadOnlySpan{double}, Span{double})"/>).
    /// A minimiser that knows the parameter errors σ_k may set 0.1·σ_k here.
    /// </summary>
    public double[]? HessianSteps { get; set; }
    /// <summary>Steps the last gradient-difference Hessian used.</summary>
    public double[]? LastHessianSteps { get; private set; }

    void ForEachChunk(Action<int, int, int> body) => ForEachChunk(data, 0, body);

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
        double learned = Linearising ? LinearisedValue(theta, default) : FullValue(data, 0, theta);
        return learned + kernels.Penalty(theta, data.SumOfWeights, default, default);
    }

    /// <summary>Learned term over blocks [firstBlock, Blocks) of <paramref name="d"/>.</summary>
    double FullValue(INllData d, int firstBlock, double[] theta)
    {
        var parts = new double[ChunkCount(d, firstBlock)];
        ForEachChunk(d, firstBlock, (b0, b1, c) => parts[c] = d.Value(b0, b1, theta));
        Count(d.Blocks - firstBlock);
        return Sum(parts);
    }

    void Count(int blocks)
    {
        LastFullEvents = blocks * (long)kernels.BlockEvents;
        TotalFullEvents += LastFullEvents;
    }

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient)
    {
        if (!HasGradient) throw new NotSupportedException("this CompiledNll was built without analytic gradient (codegen backend).");
        CheckTheta(p);
        if (gradient.Length != Dimension) throw new ArgumentException($"gradient has {gradient.Length} entries, expected {Dimension}.");
        var theta = p.ToArray();
        double learned = Linearising ? LinearisedValue(theta, gradient) : FullValueGradient(data, 0, theta, gradient);
        return learned + kernels.Penalty(theta, data.SumOfWeights, gradient, default);
    }

    /// <summary>Learned term and its θ-gradient (written into <paramref name="gradient"/>) over blocks [firstBlock, Blocks) of <paramref name="d"/>.</summary>
    double FullValueGradient(INllData d, int firstBlock, double[] theta, Span<double> gradient)
    {
        int n = Dimension, count = ChunkCount(d, firstBlock);
        var parts = new double[count];
        if (gradientMode == GradientMode.Forward)
        {
            var grads = new double[count * n];
            ForEachChunk(d, firstBlock, (b0, b1, c) => parts[c] = d.ValueGradientForward(b0, b1, theta, grads.AsSpan(c * n, n)));
            SumColumns(grads, n, gradient);
        }
        else
        {
            var first = new double[count * width];
            ForEachChunk(d, firstBlock, (b0, b1, c) => parts[c] = d.ValueGradientReverse(b0, b1, theta, first.AsSpan(c * width, width)));
            var g = new double[width];
            SumColumns(first, width, g);
            kernels.ProjectToTheta(g, gradient);
        }
        Count(d.Blocks - firstBlock);
        return Sum(parts);
    }

    /// <summary>Fixed chunks of <see cref="BlocksPerChunk"/> blocks from <paramref name="firstBlock"/> to the end of <paramref name="d"/>.</summary>
    void ForEachChunk(INllData d, int firstBlock, Action<int, int, int> body)
    {
        int count = ChunkCount(d, firstBlock);
        void Run(int c) => body(firstBlock + c * BlocksPerChunk, Math.Min(d.Blocks, firstBlock + (c + 1) * BlocksPerChunk), c);
        if (parallel.MaxDegreeOfParallelism == 1 || count <= 1) for (int c = 0; c < count; c++) Run(c);
        else Parallel.For(0, count, parallel, Run);
    }

    static int ChunkCount(INllData d, int firstBlock) => (d.Blocks - firstBlock + BlocksPerChunk - 1) / BlocksPerChunk;

    /// <summary>
    /// The linearisation at θ0: the events sorted by certified radius (descending, in buckets), the permuted dataset,
    /// and per-block prefix sums of w·(logit(θ0) − logit(0)) and w·∂logit/∂θ in that order.
    /// </summary>
    sealed class Linearisation
    {
        public required double[] Theta0;
        public required INllData Sorted;
        /// <summary>Per bucket (descending radius): number of events in this and all larger-radius buckets.</summary>
        public required int[] SafeCount;
        /// <summary>Per bucket: a lower bound on the radius of its events.</summary>
        public required double[] Edge;
        /// <summary>[blocks + 1]: Σ w·difference over the first b blocks of the sorted order.</summary>
        public required double[] PrefixValue;
        /// <summary>[(blocks + 1)·n_θ]: Σ w·tangent over the first b blocks.</summary>
        public required double[] PrefixTangent;
    }

    /// <summary>Radius buckets per octave, and the octave range below which a radius counts as zero.</summary>
    const int BucketsPerOctave = 16, Octaves = 64;
    /// <summary>Radii are shrunk by this factor before bucketing (a margin for the rounding of s and its tangents).</summary>
    const double RadiusSafety = 0.99;

    /// <summary>Bucket of a radius: 0 for (near) zero, 1 + BucketsPerOctave·(log2 r + Octaves) up to the top one for +∞.</summary>
    static int Bucket(double r, int buckets)
    {
        if (double.IsPositiveInfinity(r) || double.IsNaN(r)) return buckets - 1;
        r *= RadiusSafety;
        if (!(r > 0)) return 0;
        double l = Math.Log2(r);
        if (l < -Octaves) return 0;
        if (l >= Octaves) return buckets - 2;
        return 1 + (int)Math.Floor((l + Octaves) * BucketsPerOctave);
    }

    void Relinearise(double[] theta)
    {
        int n = Dimension, be = kernels.BlockEvents, padded = data.Blocks * be;
        var diff = new double[padded]; var tan = new double[padded * n]; var rad = new double[padded];
        ForEachChunk((b0, b1, _) => data.Linearise(b0, b1, theta, diff.AsSpan(b0 * be, (b1 - b0) * be),
            tan.AsSpan(b0 * be * n, (b1 - b0) * be * n), rad.AsSpan(b0 * be, (b1 - b0) * be)));
        Linearisations++;
        TotalFullEvents += padded; LastFullEvents = padded;
        // Counting sort by bucket, descending radius, stable (deterministic).
        int buckets = 2 * Octaves * BucketsPerOctave + 2;
        var key = new int[events]; var counts = new int[buckets];
        for (int e = 0; e < events; e++) counts[key[e] = Bucket(rad[e], buckets)]++;
        var start = new int[buckets]; var safe = new int[buckets]; var edge = new double[buckets];
        int acc = 0;
        for (int b = buckets - 1; b >= 0; b--)
        {
            start[b] = acc; acc += counts[b]; safe[b] = acc;
            // Lower bound of the bucket's (shrunk) radii, one bucket lower still to absorb the rounding of log2/floor.
            edge[b] = b == buckets - 1 ? double.MaxValue : b == 0 ? 0 : Math.Pow(2, (b - 2) / (double)BucketsPerOctave - Octaves);
        }
        var order = new int[events];
        for (int e = 0; e < events; e++) order[start[key[e]]++] = e;
        var sorted = data.Permute(order);
        var pv = new double[data.Blocks + 1]; var pt = new double[(data.Blocks + 1) * n];
        double v = 0; var t = new double[n];
        for (int b = 0; b < data.Blocks; b++)
        {
            for (int p = b * be; p < Math.Min(events, (b + 1) * be); p++)
            {
                int e = order[p]; double w = weights[e];
                v += w * diff[e];
                for (int k = 0; k < n; k++) t[k] += w * tan[e * n + k];
            }
            pv[b + 1] = v; t.CopyTo(pt, (b + 1) * n);
        }
        lin = new Linearisation { Theta0 = (double[])theta.Clone(), Sorted = sorted, SafeCount = safe, Edge = edge, PrefixValue = pv, PrefixTangent = pt };
    }

    /// <summary>Blocks of the sorted order whose events are all certified safe at <paramref name="theta"/>.</summary>
    int SafeBlocks(Linearisation l, double[] theta)
    {
        double d = 0;
        for (int k = 0; k < theta.Length; k++) d = Math.Max(d, Math.Abs(theta[k] - l.Theta0[k]));
        int safe = 0;   // events in buckets whose radius bound exceeds d (edges decrease with the bucket index from the top)
        for (int b = l.Edge.Length - 1; b >= 0 && l.Edge[b] > d; b--) safe = l.SafeCount[b];
        return safe / kernels.BlockEvents;
    }

    /// <summary>
    /// Learned term (and its gradient, when <paramref name="gradient"/> is not empty) through the linearisation: the
    /// certified-safe blocks from the prefix sums, the others through the network; re-linearises at θ first when more
    /// than <see cref="RelineariseFraction"/> of the blocks would need the network.
    /// </summary>
    double LinearisedValue(double[] theta, Span<double> gradient)
    {
        int safeBlocks = lin is null ? 0 : SafeBlocks(lin, theta);
        // codegen-ad re-linearises only on gradient calls (the points MIGRAD keeps); a far value-only call (a line
        // search probe) just evaluates its unsafe blocks, which never costs more than a plain evaluation.
        // Ski rental: the network work spent on unsafe blocks since the last linearisation (in full-pass units) must
        // reach RelineariseDebt before another one is bought; in MIGRAD's long moves each point is visited once, so
        // re-linearising at every far point would cost more than it saves.
        bool mayRelinearise = !gradient.IsEmpty || !HasGradient;
        double unsafeFraction = (data.Blocks - safeBlocks) / (double)data.Blocks;
        int n = Dimension;
        double callPasses = gradient.IsEmpty ? 1 : gradientMode == GradientMode.Forward ? 1 + n : 2;
        debt += unsafeFraction * callPasses;
        if (lin is null || (mayRelinearise && unsafeFraction > RelineariseFraction && debt >= RelineariseDebt))
        {
            long before = TotalFullEvents;
            Relinearise(theta);
            debt = 0;
            safeBlocks = SafeBlocks(lin!, theta);
            double value = FullPart(lin!, safeBlocks, theta, gradient);
            LastFullEvents = TotalFullEvents - before;   // the linearisation pass plus the unsafe blocks
            return value;
        }
        return FullPart(lin, safeBlocks, theta, gradient);
    }

    double FullPart(Linearisation l, int safeBlocks, double[] theta, Span<double> gradient)
    {
        int n = Dimension;
        double linear = l.PrefixValue[safeBlocks];
        for (int k = 0; k < n; k++) linear += l.PrefixTangent[safeBlocks * n + k] * (theta[k] - l.Theta0[k]);
        if (gradient.IsEmpty) return FullValue(l.Sorted, safeBlocks, theta) - linear;
        double full = FullValueGradient(l.Sorted, safeBlocks, theta, gradient);
        for (int k = 0; k < n; k++) gradient[k] -= l.PrefixTangent[safeBlocks * n + k];
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
        var cols = new double[ChunkCount(data, 0) * n * width];
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
        var gp = new double[n]; var gm = new double[n]; var t = (double[])theta.Clone();
        for (int k = 0; k < n; k++)
        {
            t[k] = theta[k] + steps[k]; ValueAndGradient(t, gp);
            t[k] = theta[k] - steps[k]; ValueAndGradient(t, gm);
            t[k] = theta[k];
            for (int j = 0; j < n; j++) hessian[j * n + k] = (gp[j] - gm[j]) / (2 * steps[k]);
        }
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
