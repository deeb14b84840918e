using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SbiFit.Learning.Kernels;

/// <summary>Vectorised activations and their derivatives on block buffers (length a multiple of the vector width).</summary>
internal static class ActivationKernels
{
    /// <summary>post = act(pre).</summary>
    internal static void Forward<T>(Activation act, T leakySlope, ReadOnlySpan<T> pre, Span<T> post)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        switch (act)
        {
            case Activation.Identity: pre.CopyTo(post); break;
            case Activation.ReLU: TensorPrimitives.Max(pre, T.Zero, post); break;
            case Activation.Tanh: TensorPrimitives.Tanh(pre, post); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(pre, post); break;
            case Activation.SiLU:
                TensorPrimitives.Sigmoid(pre, post);
                TensorPrimitives.Multiply(post, pre, post);
                break;
            case Activation.LeakyReLU:
                // max(x, αx) equals LeakyReLU for 0 ≤ α ≤ 1.
                TensorPrimitives.Multiply(pre, leakySlope, post);
                TensorPrimitives.Max(pre, post, post);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(act), act, "unsupported activation");
        }
    }

    /// <summary>
    /// delta ← delta ⊙ act'(pre), in place. <paramref name="post"/> holds act(pre); <paramref name="scratch"/> is
    /// workspace of the same length (SiLU recomputes the sigmoid there rather than dividing by pre).
    /// </summary>
    internal static void Backward<T>(Activation act, T leakySlope, ReadOnlySpan<T> pre, ReadOnlySpan<T> post,
        Span<T> delta, Span<T> scratch) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = delta.Length, vc = Vector256<T>.Count;
        ref T dr = ref MemoryMarshal.GetReference(delta);
        ref T pr = ref MemoryMarshal.GetReference(pre);
        ref T ar = ref MemoryMarshal.GetReference(post);
        var zero = Vector256<T>.Zero;
        var one = Vector256<T>.One;
        switch (act)
        {
            case Activation.Identity: return;
            case Activation.ReLU:
                for (int i = 0; i < n; i += vc)
                {
                    var d = Vector256.LoadUnsafe(ref dr, (nuint)i);
                    var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref pr, (nuint)i), zero);
                    Vector256.ConditionalSelect(mask, d, zero).StoreUnsafe(ref dr, (nuint)i);
                }
                return;
            case Activation.LeakyReLU:
                var slope = Vector256.Create(leakySlope);
                for (int i = 0; i < n; i += vc)
                {
                    var d = Vector256.LoadUnsafe(ref dr, (nuint)i);
                    var mask = Vector256.GreaterThan(Vector256.LoadUnsafe(ref pr, (nuint)i), zero);
                    Vector256.ConditionalSelect(mask, d, d * slope).StoreUnsafe(ref dr, (nuint)i);
                }
                return;
            case Activation.Tanh:
                for (int i = 0; i < n; i += vc)
                {
                    var a = Vector256.LoadUnsafe(ref ar, (nuint)i);
                    (Vector256.LoadUnsafe(ref dr, (nuint)i) * (one - a * a)).StoreUnsafe(ref dr, (nuint)i);
                }
                return;
            case Activation.Sigmoid:
                for (int i = 0; i < n; i += vc)
                {
                    var a = Vector256.LoadUnsafe(ref ar, (nuint)i);
                    (Vector256.LoadUnsafe(ref dr, (nuint)i) * (a * (one - a))).StoreUnsafe(ref dr, (nuint)i);
                }
                return;
            case Activation.SiLU:
                // d/dx x·σ(x) = σ + x·σ(1 − σ) = σ + a(1 − σ).
                TensorPrimitives.Sigmoid(pre, scratch);
                ref T sr = ref MemoryMarshal.GetReference(scratch);
                for (int i = 0; i < n; i += vc)
                {
                    var s = Vector256.LoadUnsafe(ref sr, (nuint)i);
                    var a = Vector256.LoadUnsafe(ref ar, (nuint)i);
                    (Vector256.LoadUnsafe(ref dr, (nuint)i) * (s + a * (one - s))).StoreUnsafe(ref dr, (nuint)i);
                }
                return;
            default: throw new ArgumentOutOfRangeException(nameof(act), act, "unsupported activation");
        }
    }
}
