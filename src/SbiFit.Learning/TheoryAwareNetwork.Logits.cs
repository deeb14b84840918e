namespace SbiFit.Learning;

public sealed partial class TheoryAwareNetwork : ILogitModel
{
    private NetworkEvaluator? _evaluator;

    /// <summary>
    /// Fast float32 logits through a cached <see cref="NetworkEvaluator"/> (created on first use from the parameters at
    /// that moment; create a new network or evaluator after changing parameter arrays).
    /// </summary>
    public void Logits(ReadOnlySpan<float> x, ReadOnlySpan<float> theta, int rows, Span<float> logits)
    {
        var evaluator = _evaluator ??= new NetworkEvaluator(this);
        evaluator.Logits(x, theta, rows, logits);
    }

    /// <summary>Creates an evaluator with its own workspaces and thread count (0 = all processors).</summary>
    public NetworkEvaluator CreateEvaluator(int threads = 0) => new(this, threads);
}
