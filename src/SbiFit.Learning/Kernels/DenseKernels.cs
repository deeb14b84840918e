using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SbiFit.Learning.Kernels;

/// <summary>
/// Vectorised kernels over a block of events stored feature-major: a [rows, width] buffer holds row r (a feature or
/// neuron) for <c>width</c> events contiguously. <c>width</c> is always a multiple of <see cref="WidthQuantum"/>, so
/// there are no scalar tails in the event dimension. Generic in T so the gradient check runs the same code in double.
/// </summary>
internal static class DenseKernels
{
    /// <summary>Events per register tile in the GEMM (3 vectors of 8 floats, or 3 of 4 doubles → 12 for both).</summary>
    internal const int WidthQuantum = 24;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<T> MulAdd<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        // The typeof checks are JIT-time constants: each instantiation keeps one branch.
        if (Fma.IsSupported)
        {
            if (typeof(T) == typeof(float)) return Fma.MultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double)) return Fma.MultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        }
        return a * b + c;
    }

    /// <summary>
    /// y[M, width] = w[M, K] · x[K, width] (+ bias[M] when non-empty), then max(·, 0) when <paramref name="relu"/>
    /// (ReLU fused into the store saves a pass over the block). Register tile: 4 output rows × 3 vectors of
    /// events (12 independent FMA accumulators); the event chunk stays in L1 while all output rows sweep over it.
    /// </summary>
    internal static void Gemm<T>(ReadOnlySpan<T> w, ReadOnlySpan<T> bias, ReadOnlySpan<T> x, Span<T> y, int m, int k, int width,
        bool relu = false) where T : unmanaged, INumber<T>
    {
        int vc = Vector256<T>.Count, step = 3 * vc;
        ref T wr = ref MemoryMarshal.GetReference(w);
        ref T xr = ref MemoryMarshal.GetReference(x);
        ref T yr = ref MemoryMarshal.GetReference(y);
        bool hasBias = !bias.IsEmpty;
        for (int e = 0; e < width; e += step)
        {
            ref T xe = ref Unsafe.Add(ref xr, e);
            int o = 0;
            for (; o + 4 <= m; o += 4)
            {
                Vector256<T> b0 = hasBias ? Vector256.Create(bias[o]) : Vector256<T>.Zero;
                Vector256<T> b1 = hasBias ? Vector256.Create(bias[o + 1]) : Vector256<T>.Zero;
                Vector256<T> b2 = hasBias ? Vector256.Create(bias[o + 2]) : Vector256<T>.Zero;
                Vector256<T> b3 = hasBias ? Vector256.Create(bias[o + 3]) : Vector256<T>.Zero;
                Vector256<T> a00 = b0, a01 = b0, a02 = b0, a10 = b1, a11 = b1, a12 = b1;
                Vector256<T> a20 = b2, a21 = b2, a22 = b2, a30 = b3, a31 = b3, a32 = b3;
                ref T w0 = ref Unsafe.Add(ref wr, o * k);
                ref T w1 = ref Unsafe.Add(ref w0, k);
                ref T w2 = ref Unsafe.Add(ref w1, k);
                ref T w3 = ref Unsafe.Add(ref w2, k);
                for (int kk = 0; kk < k; kk++)
                {
                    ref T xk = ref Unsafe.Add(ref xe, kk * width);
                    var x0 = Vector256.LoadUnsafe(ref xk);
                    var x1 = Vector256.LoadUnsafe(ref xk, (nuint)vc);
                    var x2 = Vector256.LoadUnsafe(ref xk, (nuint)(2 * vc));
                    var c = Vector256.Create(Unsafe.Add(ref w0, kk));
                    a00 = MulAdd(c, x0, a00); a01 = MulAdd(c, x1, a01); a02 = MulAdd(c, x2, a02);
                    c = Vector256.Create(Unsafe.Add(ref w1, kk));
                    a10 = MulAdd(c, x0, a10); a11 = MulAdd(c, x1, a11); a12 = MulAdd(c, x2, a12);
                    c = Vector256.Create(Unsafe.Add(ref w2, kk));
                    a20 = MulAdd(c, x0, a20); a21 = MulAdd(c, x1, a21); a22 = MulAdd(c, x2, a22);
                    c = Vector256.Create(Unsafe.Add(ref w3, kk));
                    a30 = MulAdd(c, x0, a30); a31 = MulAdd(c, x1, a31); a32 = MulAdd(c, x2, a32);
                }
                Store3(ref Unsafe.Add(ref yr, o * width + e), vc, a00, a01, a02, relu);
                Store3(ref Unsafe.Add(ref yr, (o + 1) * width + e), vc, a10, a11, a12, relu);
                Store3(ref Unsafe.Add(ref yr, (o + 2) * width + e), vc, a20, a21, a22, relu);
                Store3(ref Unsafe.Add(ref yr, (o + 3) * width + e), vc, a30, a31, a32, relu);
            }
            for (; o < m; o++)
            {
                Vector256<T> b0 = hasBias ? Vector256.Create(bias[o]) : Vector256<T>.Zero;
                Vector256<T> a0 = b0, a1 = b0, a2 = b0;
                ref T w0 = ref Unsafe.Add(ref wr, o * k);
                for (int kk = 0; kk < k; kk++)
                {
                    ref T xk = ref Unsafe.Add(ref xe, kk * width);
                    var c = Vector256.Create(Unsafe.Add(ref w0, kk));
                    a0 = MulAdd(c, Vector256.LoadUnsafe(ref xk), a0);
                    a1 = MulAdd(c, Vector256.LoadUnsafe(ref xk, (nuint)vc), a1);
                    a2 = MulAdd(c, Vector256.LoadUnsafe(ref xk, (nuint)(2 * vc)), a2);
                }
                Store3(ref Unsafe.Add(ref yr, o * width + e), vc, a0, a1, a2, relu);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store3<T>(ref T dst, int vc, Vector256<T> a, Vector256<T> b, Vector256<T> c, bool relu)
    {
        if (relu)
        {
            a = Vector256.Max(a, Vector256<T>.Zero); b = Vector256.Max(b, Vector256<T>.Zero); c = Vector256.Max(c, Vector256<T>.Zero);
        }
        a.StoreUnsafe(ref dst);
        b.StoreUnsafe(ref dst, (nuint)vc);
        c.StoreUnsafe(ref dst, (nuint)(2 * vc));
    }

    /// <summary>
    /// grad[o, j] += Σ_e d[o, e] · h[j, e] over the block (the weight gradient δᵀh). Tile 4 × 3 dot products
    /// accumulated in vectors along the events; each finished dot is added to the double gradient buffer.
    /// </summary>
    internal static void AccumulateOuter<T>(ReadOnlySpan<T> d, ReadOnlySpan<T> h, Span<double> grad, int m, int k, int width)
        where T : unmanaged, INumber<T>
    {
        int vc = Vector256<T>.Count;
        ref T dr = ref MemoryMarshal.GetReference(d);
        ref T hr = ref MemoryMarshal.GetReference(h);
        int o = 0;
        for (; o + 4 <= m; o += 4)
        {
            ref T d0 = ref Unsafe.Add(ref dr, o * width);
            ref T d1 = ref Unsafe.Add(ref d0, width);
            ref T d2 = ref Unsafe.Add(ref d1, width);
            ref T d3 = ref Unsafe.Add(ref d2, width);
            int j = 0;
            for (; j + 3 <= k; j += 3)
            {
                ref T h0 = ref Unsafe.Add(ref hr, j * width);
                ref T h1 = ref Unsafe.Add(ref h0, width);
                ref T h2 = ref Unsafe.Add(ref h1, width);
                Vector256<T> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
                Vector256<T> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
                for (int e = 0; e < width; e += vc)
                {
                    var x0 = Vector256.LoadUnsafe(ref h0, (nuint)e);
                    var x1 = Vector256.LoadUnsafe(ref h1, (nuint)e);
                    var x2 = Vector256.LoadUnsafe(ref h2, (nuint)e);
                    var c = Vector256.LoadUnsafe(ref d0, (nuint)e);
                    a00 = MulAdd(c, x0, a00); a01 = MulAdd(c, x1, a01); a02 = MulAdd(c, x2, a02);
                    c = Vector256.LoadUnsafe(ref d1, (nuint)e);
                    a10 = MulAdd(c, x0, a10); a11 = MulAdd(c, x1, a11); a12 = MulAdd(c, x2, a12);
                    c = Vector256.LoadUnsafe(ref d2, (nuint)e);
                    a20 = MulAdd(c, x0, a20); a21 = MulAdd(c, x1, a21); a22 = MulAdd(c, x2, a22);
                    c = Vector256.LoadUnsafe(ref d3, (nuint)e);
                    a30 = MulAdd(c, x0, a30); a31 = MulAdd(c, x1, a31); a32 = MulAdd(c, x2, a32);
                }
                AddSums(grad, o * k + j, a00, a01, a02);
                AddSums(grad, (o + 1) * k + j, a10, a11, a12);
                AddSums(grad, (o + 2) * k + j, a20, a21, a22);
                AddSums(grad, (o + 3) * k + j, a30, a31, a32);
            }
            for (; j < k; j++)
                for (int r = 0; r < 4; r++)
                    grad[(o + r) * k + j] += Dot(d.Slice((o + r) * width, width), h.Slice(j * width, width));
        }
        for (; o < m; o++)
            for (int j = 0; j < k; j++)
                grad[o * k + j] += Dot(d.Slice(o * width, width), h.Slice(j * width, width));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddSums<T>(Span<double> grad, int at, Vector256<T> a, Vector256<T> b, Vector256<T> c)
        where T : unmanaged, INumber<T>
    {
        grad[at] += double.CreateTruncating(Vector256.Sum(a));
        grad[at + 1] += double.CreateTruncating(Vector256.Sum(b));
        grad[at + 2] += double.CreateTruncating(Vector256.Sum(c));
    }

    /// <summary>Σ_e a[e]·b[e] over one block row (two accumulators), returned in double.</summary>
    internal static double Dot<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : unmanaged, INumber<T>
    {
        int vc = Vector256<T>.Count;
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T br = ref MemoryMarshal.GetReference(b);
        Vector256<T> s0 = default, s1 = default;
        int e = 0;
        for (; e + 2 * vc <= a.Length; e += 2 * vc)
        {
            s0 = MulAdd(Vector256.LoadUnsafe(ref ar, (nuint)e), Vector256.LoadUnsafe(ref br, (nuint)e), s0);
            s1 = MulAdd(Vector256.LoadUnsafe(ref ar, (nuint)(e + vc)), Vector256.LoadUnsafe(ref br, (nuint)(e + vc)), s1);
        }
        for (; e < a.Length; e += vc) s0 = MulAdd(Vector256.LoadUnsafe(ref ar, (nuint)e), Vector256.LoadUnsafe(ref br, (nuint)e), s0);
        return double.CreateTruncating(Vector256.Sum(s0 + s1));
    }
}
