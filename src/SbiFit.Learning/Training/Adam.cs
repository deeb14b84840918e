namespace SbiFit.Learning;

/// <summary>
/// Adam with PyTorch's semantics (torch.optim.Adam, amsgrad off): g ← g + λp (weight_decay); m ← β₁m + (1−β₁)g;
/// v ← β₂v + (1−β₂)g²; p ← p − (lr/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε). Moments are kept in double.
/// </summary>
internal sealed class AdamState
{
    internal const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    internal AdamState(int parameters) { M = new double[parameters]; V = new double[parameters]; }

    internal double[] M { get; }
    internal double[] V { get; }
    internal long Step { get; set; }

    /// <summary>One update of <paramref name="p"/> from the loss gradient <paramref name="grad"/> (not modified).</summary>
    internal void Update(Span<float> p, ReadOnlySpan<double> grad, double lr, double weightDecay)
    {
        Step++;
        double bc1 = 1 - Math.Pow(Beta1, Step), sqrtBc2 = Math.Sqrt(1 - Math.Pow(Beta2, Step));
        double stepSize = lr / bc1;
        for (int i = 0; i < p.Length; i++)
        {
            double g = grad[i] + weightDecay * p[i];
            double m = M[i] = Beta1 * M[i] + (1 - Beta1) * g;
            double v = V[i] = Beta2 * V[i] + (1 - Beta2) * g * g;
            p[i] = (float)(p[i] - stepSize * m / (Math.Sqrt(v) / sqrtBc2 + Epsilon));
        }
    }
}
