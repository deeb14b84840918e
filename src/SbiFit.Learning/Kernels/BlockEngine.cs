using System.Numerics;
using System.Numerics.Tensors;

namespace SbiFit.Learning.Kernels;

/// <summary>
/// Workspace and forward/backward pass for one block of <see cref="Width"/> events, all buffers feature-major.
/// One engine per worker thread; nothing here allocates after construction.
/// </summary>
internal sealed class BlockEngine<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly NetworkLayout _layout;
    private readonly T[][] _pre, _post;
    private T[] _deltaA, _deltaB;
    private readonly T[] _scratch;

    internal BlockEngine(NetworkLayout layout, int width)
    {
        if (width <= 0 || width % DenseKernels.WidthQuantum != 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"block width must be a positive multiple of {DenseKernels.WidthQuantum}");
        _layout = layout; Width = width;
        Input = new T[layout.InputWidth * width];
        Theta = new T[Math.Max(1, layout.Thetas) * width];
        Label = new T[width];
        Weight = new double[width];
        _pre = new T[layout.LayerCount][];
        _post = new T[layout.LayerCount][];
        for (int l = 0; l < layout.LayerCount; l++)
        {
            _pre[l] = new T[layout.Outputs[l] * width];
            // Identity layers (the logit) need no separate output buffer; ReLU is fused into the GEMM store, and its
            // derivative mask post > 0 equals pre > 0, so it keeps only the activated values.
            _post[l] = layout.Activations[l] is Activation.Identity or Activation.ReLU ? _pre[l] : new T[layout.Outputs[l] * width];
        }
        _deltaA = new T[layout.MaxWidth * width];
        _deltaB = new T[layout.MaxWidth * width];
        _scratch = new T[layout.MaxWidth * width];
    }

    /// <summary>Events per block.</summary>
    internal int Width { get; }
    /// <summary>
    /// Standardised features z [n_in, Width] (rows n_x.. are the latent dimensions); <see cref="ApplyShift"/> zeroes the
    /// latent rows and turns the whole into z + θ·V.
    /// </summary>
    internal T[] Input { get; }
    /// <summary>θ [n_θ, Width].</summary>
    internal T[] Theta { get; }
    /// <summary>Training labels (0 = SM, 1 = NP) for the block.</summary>
    internal T[] Label { get; }
    /// <summary>Event weights for the block (0 in padding lanes).</summary>
    internal double[] Weight { get; }
    /// <summary>Logits of the last <see cref="Forward"/>.</summary>
    internal ReadOnlySpan<T> Logits => _post[^1].AsSpan(0, Width);

    /// <summary>Latent rows = 0, then Input += θ·V, vectorised over the events of each input row.</summary>
    internal void ApplyShift(ReadOnlySpan<T> p)
    {
        int nx = _layout.InputWidth, w = Width;
        Input.AsSpan(_layout.Features * w, _layout.Latent * w).Clear();
        for (int t = 0; t < _layout.Thetas; t++)
        {
            var th = Theta.AsSpan(t * w, w);
            for (int i = 0; i < nx; i++)
            {
                var z = Input.AsSpan(i * w, w);
                TensorPrimitives.MultiplyAdd(th, p[t * nx + i], z, z);
            }
        }
    }

    /// <summary>Runs the dense stack on <see cref="Input"/> (already shifted).</summary>
    internal void Forward(ReadOnlySpan<T> p)
    {
        ReadOnlySpan<T> h = Input;
        for (int l = 0; l < _layout.LayerCount; l++)
        {
            int m = _layout.Outputs[l], k = _layout.Inputs[l];
            var act = _layout.Activations[l];
            DenseKernels.Gemm(p.Slice(_layout.WeightOffset[l], m * k), p.Slice(_layout.BiasOffset[l], m), h, _pre[l], m, k, Width,
                relu: act == Activation.ReLU);
            if (act is not (Activation.Identity or Activation.ReLU))
                ActivationKernels.Forward(_layout.Activations[l], T.CreateTruncating(_layout.LeakySlopes[l]), _pre[l], _post[l]);
            h = _post[l];
        }
    }

    /// <summary>
    /// Weighted BCE with logits in the stable form max(l,0) − l·y + log(1 + e^−|l|); returns Σ w·bce over the block
    /// (unnormalised) and, when <paramref name="withDelta"/>, leaves ∂loss/∂logit = scale·w·(σ(l) − y) for
    /// <see cref="Backward"/>.
    /// </summary>
    internal double Loss(double scale, bool withDelta)
    {
        var logits = Logits;
        double sum = 0;
        for (int e = 0; e < Width; e++)
        {
            double w = Weight[e];
            if (w == 0) { if (withDelta) _deltaA[e] = T.Zero; continue; }
            double l = double.CreateTruncating(logits[e]), y = double.CreateTruncating(Label[e]);
            double ex = Math.Exp(-Math.Abs(l));
            sum += w * (Math.Max(l, 0) - l * y + Math.Log(1 + ex));
            if (withDelta)
            {
                double s = l >= 0 ? 1 / (1 + ex) : ex / (1 + ex);
                _deltaA[e] = T.CreateTruncating(scale * w * (s - y));
            }
        }
        return sum;
    }

    /// <summary>
    /// Reverse pass from the logit deltas left by <see cref="Loss"/>: adds ∂loss/∂p for every W, b and V of this block
    /// to <paramref name="grad"/> (double). <paramref name="transposed"/>[l] is Wₗᵀ, row-major [in, out].
    /// </summary>
    internal void Backward(ReadOnlySpan<T> p, T[][] transposed, Span<double> grad)
    {
        int w = Width;
        for (int l = _layout.LayerCount - 1; l >= 0; l--)
        {
            int m = _layout.Outputs[l], k = _layout.Inputs[l];
            var delta = _deltaA.AsSpan(0, m * w);
            ActivationKernels.Backward(_layout.Activations[l], T.CreateTruncating(_layout.LeakySlopes[l]), _pre[l], _post[l],
                delta, _scratch.AsSpan(0, m * w));
            ReadOnlySpan<T> h = l > 0 ? _post[l - 1] : Input;
            DenseKernels.AccumulateOuter<T>(delta, h, grad.Slice(_layout.WeightOffset[l], m * k), m, k, w);
            var gb = grad.Slice(_layout.BiasOffset[l], m);
            for (int o = 0; o < m; o++) gb[o] += double.CreateTruncating(TensorPrimitives.Sum<T>(delta.Slice(o * w, w)));
            if (l == 0 && _layout.Thetas == 0) break;
            DenseKernels.Gemm<T>(transposed[l], ReadOnlySpan<T>.Empty, delta, _deltaB.AsSpan(0, k * w), k, m, w);
            (_deltaA, _deltaB) = (_deltaB, _deltaA);
        }
        // ∂/∂V[t,i] = Σ_e θ[t,e] · ∂loss/∂z[i,e].
        if (_layout.Thetas > 0)
            DenseKernels.AccumulateOuter<T>(Theta.AsSpan(0, _layout.Thetas * w), _deltaA.AsSpan(0, _layout.InputWidth * w),
                grad[.._layout.ShiftCount], _layout.Thetas, _layout.InputWidth, w);
    }
}
