using SbiFit.Inference;

namespace SbiFit.Codegen;

/// <summary>HESSE's matrix of the generated NLL: forward over reverse for smooth activations, AD-gradient differences otherwise.</summary>
public sealed partial class CompiledNll
{
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
}
