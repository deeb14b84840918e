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
    readonly int chunks, width;
    readonly ParallelOptions parallel;
    readonly GradientMode gradientMode;

    /// <summary>
    /// Binds <paramref name="x"/> (raw features [events, n_x] row-major) and <paramref name="w"/> to the kernels and
    /// caches the standardised inputs z (or u = W1 z + b1 when the first layer is no wider than n_x) and logit(x, 0). <paramref name="analyticGradient"/> = false gives the value-only
    /// <c>codegen</c> backend (the minimiser differentiates numerically); true gives <c>codegen-ad</c>.
    /// </summary>
    public CompiledNll(INllKernels kernels, ReadOnlySpan<float> x, ReadOnlySpan<double> w, bool analyticGradient = true,
        GradientMode gradientMode = GradientMode.Auto, int maxThreads = 0)
    {
        this.kernels = kernels;
        int nx = kernels.FeatureNames.Count;
        if (x.Length % nx != 0) throw new ArgumentException($"x has {x.Length} values, not a multiple of the {nx} features.");
        data = kernels.Bind(x, w, x.Length / nx);
        width = kernels.FirstLayerWidth;
        chunks = (data.Blocks + BlocksPerChunk - 1) / BlocksPerChunk;
        parallel = new ParallelOptions { MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : Environment.ProcessorCount };
        HasGradient = analyticGradient;
        this.gradientMode = new NllOptions { GradientMode = gradientMode }.ResolveGradientMode(Dimension);
        ForEachChunk((b0, b1, _) => data.PrepareReference(b0, b1));
    }

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

    void ForEachChunk(Action<int, int, int> body)
    {
        void Run(int c) => body(c * BlocksPerChunk, Math.Min(data.Blocks, (c + 1) * BlocksPerChunk), c);
        if (parallel.MaxDegreeOfParallelism == 1 || chunks == 1) for (int c = 0; c < chunks; c++) Run(c);
        else Parallel.For(0, chunks, parallel, Run);
    }

    void CheckTheta(ReadOnlySpan<double> p)
    {
        if (p.Length != Dimension) throw new ArgumentException($"the NLL takes {Dimension} parameters ({string.Join(", ", kernels.ThetaNames)}), got {p.Length}.");
    }

    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> p)
    {
        CheckTheta(p);
        var theta = p.ToArray();
        var parts = new double[chunks];
        ForEachChunk((b0, b1, c) => parts[c] = data.Value(b0, b1, theta));
        return Sum(parts) + kernels.Penalty(theta, data.SumOfWeights, default, default);
    }

    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient)
    {
        if (!HasGradient) throw new NotSupportedException("this CompiledNll was built without analytic gradient (codegen backend).");
        CheckTheta(p);
        if (gradient.Length != Dimension) throw new ArgumentException($"gradient has {gradient.Length} entries, expected {Dimension}.");
        var theta = p.ToArray();
        var parts = new double[chunks];
        int n = Dimension;
        if (gradientMode == GradientMode.Forward)
        {
            var grads = new double[chunks * n];
            ForEachChunk((b0, b1, c) => parts[c] = data.ValueGradientForward(b0, b1, theta, grads.AsSpan(c * n, n)));
            SumColumns(grads, n, gradient);
        }
        else
        {
            var first = new double[chunks * width];
            ForEachChunk((b0, b1, c) => parts[c] = data.ValueGradientReverse(b0, b1, theta, first.AsSpan(c * width, width)));
            var g = new double[width];
            SumColumns(first, width, g);
            kernels.ProjectToTheta(g, gradient);
        }
        return Sum(parts) + kernels.Penalty(theta, data.SumOfWeights, gradient, default);
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

    static bool AllPositive(ReadOnlySpan<double> v)
    {
        foreach (double x in v) if (!(x > 0) || !double.IsFinite(x)) return false;
        return true;
    }

    void ExactHessian(double[] theta, Span<double> hessian)
    {
        int n = Dimension;
        var cols = new double[chunks * n * width];
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
