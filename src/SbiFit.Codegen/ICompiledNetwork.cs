using SbiFit.Learning;

namespace SbiFit.Codegen;

/// <summary>A network compiled from generated C#: batched logits (the <see cref="ILogitModel"/> contract).</summary>
public interface ICompiledNetwork : ILogitModel
{
    /// <summary>Kernel floating-point type.</summary>
    Precision Precision { get; }
    /// <summary>Events per kernel block (two Vector256 lanes: 16 in float, 8 in double).</summary>
    int BlockEvents { get; }
}

/// <summary>
/// Generated NLL kernels for one network and one <see cref="NllOptions"/> (extended term, constraints baked in).
/// The dataset-dependent part lives in the <see cref="INllData"/> returned by <see cref="Bind"/>.
/// </summary>
public interface INllKernels : ICompiledNetwork
{
    /// <summary>Width of the first hidden layer (length of the first-layer gradient accumulator).</summary>
    int FirstLayerWidth { get; }
    /// <summary>True when every activation is smooth (forward-over-reverse Hessian is exact).</summary>
    bool SmoothActivations { get; }
    /// <summary>
    /// True when every hidden activation is ReLU, LeakyReLU or identity and the logit layer is linear: the logit is
    /// then piecewise affine in θ, which <see cref="CompiledNll"/>'s linearisation cache exploits.
    /// </summary>
    bool PiecewiseLinear { get; }
    /// <summary>
    /// Binds a dataset: raw features <paramref name="x"/> [events, n_x] row-major and weights <paramref name="w"/>.
    /// Caches the standardised inputs z (the first-layer pre-activations u = W1 z + b1 when the first layer is no
    /// wider than n_x); call <see cref="INllData.PrepareReference"/> on every
    /// block range before evaluating.
    /// </summary>
    INllData Bind(ReadOnlySpan<float> x, ReadOnlySpan<double> w, int events);
    /// <summary>
    /// Extended term plus constraints at <paramref name="theta"/> with <paramref name="observed"/> = Σw; adds its
    /// gradient / Hessian (row-major) when the spans are non-empty. Returns +∞ where ν(θ) ≤ 0.
    /// </summary>
    double Penalty(ReadOnlySpan<double> theta, double observed, Span<double> gradient, Span<double> hessian);
    /// <summary>θ-gradient from the first-layer gradient G: out = (W1 Vᵀ)ᵀ G, i.e. V W1ᵀ G.</summary>
    void ProjectToTheta(ReadOnlySpan<double> firstLayerGradient, Span<double> thetaGradient);
}

/// <summary>
/// A dataset bound to generated NLL kernels. Every method works on the event blocks [firstBlock, endBlock) and
/// returns the learned term −Σ w_i [logit(x_i, θ) − logit(x_i, 0)] of those blocks, so callers can split blocks
/// over threads and add the parts in a fixed order.
/// </summary>
public interface INllData
{
    /// <summary>Number of event blocks (the last one zero-weight padded).</summary>
    int Blocks { get; }
    /// <summary>Σ w_i.</summary>
    double SumOfWeights { get; }
    /// <summary>Caches logit(x, 0) for the blocks, computed with the same kernels as every later evaluation.</summary>
    void PrepareReference(int firstBlock, int endBlock);
    /// <summary>Learned term only.</summary>
    double Value(int firstBlock, int endBlock, ReadOnlySpan<double> theta);
    /// <summary>Learned term and, added into <paramref name="firstLayerGradient"/>, its gradient w.r.t. the first-layer shift (reverse mode).</summary>
    double ValueGradientReverse(int firstBlock, int endBlock, ReadOnlySpan<double> theta, Span<double> firstLayerGradient);
    /// <summary>Learned term and, added into <paramref name="thetaGradient"/>, its θ-gradient (forward mode, one tangent per θ).</summary>
    double ValueGradientForward(int firstBlock, int endBlock, ReadOnlySpan<double> theta, Span<double> thetaGradient);
    /// <summary>
    /// Forward-over-reverse: adds d(first-layer gradient)/dθ_k for every k into <paramref name="firstLayerColumns"/>
    /// [n_θ, first-layer width]; project each column with <see cref="INllKernels.ProjectToTheta"/>.
    /// </summary>
    void HessianColumns(int firstBlock, int endBlock, ReadOnlySpan<double> theta, Span<double> firstLayerColumns);
    /// <summary>
    /// <paramref name="difference"/>[e] = logit_e(θ) − logit_e(0) for the events of blocks [firstBlock, endBlock) (event e
    /// of the range at index e, padding included): the value part of <see cref="Linearise"/>, one forward pass, no tangents.
    /// </summary>
    void Differences(int firstBlock, int endBlock, ReadOnlySpan<double> theta, Span<double> difference);
    /// <summary>
    /// Linearisation at <paramref name="theta"/> for the events of blocks [firstBlock, endBlock) (event e of the range
    /// at index e, padding included): <paramref name="difference"/>[e] = logit_e(θ) − logit_e(0),
    /// <paramref name="tangent"/>[e·n_θ + k] = ∂logit_e/∂θ_k, and <paramref name="radius"/>[e] = min over kinked hidden
    /// units j of |s_j| / Σ_k |∂s_j/∂θ_k| (+∞ when no unit moves): no unit changes sign while ‖θ' − θ‖_∞ is below it.
    /// </summary>
    void Linearise(int firstBlock, int endBlock, ReadOnlySpan<double> theta, Span<double> difference, Span<double> tangent, Span<double> radius);
    /// <summary>
    /// A copy of this dataset with its events in the order <paramref name="order"/> (a permutation of 0..events−1),
    /// logit(x, 0) included; the gather runs on at most <paramref name="parallel"/>'s threads.
    /// </summary>
    INllData Permute(ReadOnlySpan<int> order, ParallelOptions parallel);
    /// <summary>
    /// Reorders, in place, the events from block <paramref name="firstBlock"/> on: position first + q (first =
    /// <paramref name="firstBlock"/> · block events) gets the event now at <paramref name="order"/>[q], which must lie
    /// in that tail; the events before it do not move. The gather runs on at most <paramref name="parallel"/>'s threads.
    /// </summary>
    void PermuteTail(int firstBlock, ReadOnlySpan<int> order, ParallelOptions parallel);
}
