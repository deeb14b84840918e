namespace SbiFit.Codegen;

/// <summary>
/// The numerical normalisation of the learned ratio in generated code: log ⟨r⟩_SM(θ) = log [(1/M) Σ_j exp Δ_j(θ)],
/// Δ_j = logit(x_j, θ) − logit(x_j, 0) over an SM reference sample of M events, and its θ-gradient
/// Σ_j r_j ∂Δ_j/∂θ / Σ_j r_j. A value takes Δ from one forward pass (<see cref="INllData.Differences"/>); a gradient takes Δ and
/// ∂Δ/∂θ from the kernels' <see cref="INllData.Linearise"/> pass (forward value plus one forward-mode tangent per θ), so
/// it costs 1 + n_θ network passes over the reference sample. Chunks run in
/// parallel into per-event arrays; the sums are then taken in event order (compensated), so results do not depend on
/// the thread count.
/// </summary>
internal sealed class SmReferenceNormaliser
{
    readonly INllData data;
    readonly int events, thetas, blockEvents;
    readonly ParallelOptions parallel;

    /// <summary>Binds the reference sample (raw features [M, n_x] row-major) and caches its logit(x, 0).</summary>
    public SmReferenceNormaliser(INllKernels kernels, float[] x, ParallelOptions parallel)
    {
        int nx = kernels.FeatureNames.Count;
        if (x.Length == 0 || x.Length % nx != 0)
            throw new ArgumentException($"the SM reference sample has {x.Length} feature values: it is empty or not a multiple of the {nx} features.");
        for (int i = 0; i < x.Length; i++)
            if (!float.IsFinite(x[i])) throw new ArgumentException($"SM reference feature '{kernels.FeatureNames[i % nx]}' of event {i / nx} is {x[i]}.");
        events = x.Length / nx; thetas = kernels.ThetaNames.Count; blockEvents = kernels.BlockEvents; this.parallel = parallel;
        data = kernels.Bind(x, Enumerable.Repeat(1.0, events).ToArray(), events);
        CompiledNll.ForEachChunk(parallel, [(0, data.Blocks)], (b0, b1, _) => data.PrepareReference(b0, b1));
    }

    /// <summary>Events in the reference sample.</summary>
    public int Events => events;

    /// <summary>log ⟨r⟩_SM at <paramref name="theta"/>; its gradient is written into <paramref name="gradient"/> when not empty.</summary>
    public double LogMeanRatio(double[] theta, Span<double> gradient)
    {
        int be = blockEvents, n = thetas, padded = data.Blocks * be;
        var diff = new double[padded];
        double[] tan = [];
        // A value needs Δ only (one pass); a gradient also the n_θ forward tangents of the linearisation pass.
        if (gradient.IsEmpty)
            CompiledNll.ForEachChunk(parallel, [(0, data.Blocks)], (b0, b1, _) => data.Differences(b0, b1, theta, diff.AsSpan(b0 * be, (b1 - b0) * be)));
        else
        {
            tan = new double[padded * n];
            var rad = new double[padded];
            CompiledNll.ForEachChunk(parallel, [(0, data.Blocks)], (b0, b1, _) =>
                data.Linearise(b0, b1, theta, diff.AsSpan(b0 * be, (b1 - b0) * be), tan.AsSpan(b0 * be * n, (b1 - b0) * be * n), rad.AsSpan(b0 * be, (b1 - b0) * be)));
        }
        double max = double.NegativeInfinity;
        for (int j = 0; j < events; j++) max = Math.Max(max, diff[j]);
        if (!double.IsFinite(max))
        {
            if (!gradient.IsEmpty) gradient.Fill(double.NaN);
            return double.IsNaN(max) || max > 0 ? double.PositiveInfinity : double.NegativeInfinity;
        }
        // Shifted by the largest Δ, so no exp overflows; Neumaier-compensated sums.
        double s = 0, cs = 0;
        var g = new double[n]; var cg = new double[n];
        for (int j = 0; j < events; j++)
        {
            double r = Math.Exp(diff[j] - max);
            Add(ref s, ref cs, r);
            if (!gradient.IsEmpty) for (int k = 0; k < n; k++) Add(ref g[k], ref cg[k], r * tan[j * n + k]);
        }
        s += cs;
        if (!gradient.IsEmpty) for (int k = 0; k < n; k++) gradient[k] = (g[k] + cg[k]) / s;
        return max + Math.Log(s / events);
    }

    static void Add(ref double sum, ref double compensation, double x)
    {
        double t = sum + x;
        compensation += Math.Abs(sum) >= Math.Abs(x) ? (sum - t) + x : (x - t) + sum;
        sum = t;
    }
}
