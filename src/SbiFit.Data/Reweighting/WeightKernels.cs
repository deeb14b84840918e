using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SbiFit.Data.Reweighting;

/// <summary>
/// Cache-blocked contraction w_i = Σ_k a_k W_ik over column storage: the active columns are taken five at a time, each
/// pass streams five columns of one row block and reads/writes the block's output once (Vector256 FMA, two independent
/// accumulators), so the output block stays in L1 and memory traffic is essentially the columns read once.
/// </summary>
internal static class WeightKernels
{
    private const int Group = 5;

    /// <summary>dest[i] = Σ_{k ∈ active} a[k] w[k][start + i] for i &lt; len (summation order fixed per row).</summary>
    public static void FusedBlock(double[][] w, double[] a, int[] active, int start, int len, Span<double> dest)
    {
        if (start < 0 || len < 0 || dest.Length < len) throw new ArgumentOutOfRangeException(nameof(len));
        foreach (int k in active)
            if (w[k].Length < start + len) throw new ArgumentOutOfRangeException(nameof(w), "column shorter than the block");
        ref double d = ref MemoryMarshal.GetReference(dest);
        for (int g = 0; g < active.Length; g += Group)
        {
            // Pad the last group with the group's first column at weight 0 (already in cache, adds exact zeros).
            int k0 = active[g];
            int k1 = g + 1 < active.Length ? active[g + 1] : k0, k2 = g + 2 < active.Length ? active[g + 2] : k0;
            int k3 = g + 3 < active.Length ? active[g + 3] : k0, k4 = g + 4 < active.Length ? active[g + 4] : k0;
            double a0 = a[k0], a1 = g + 1 < active.Length ? a[k1] : 0, a2 = g + 2 < active.Length ? a[k2] : 0;
            double a3 = g + 3 < active.Length ? a[k3] : 0, a4 = g + 4 < active.Length ? a[k4] : 0;
            ref double w0 = ref Column(w, k0, start), w1 = ref Column(w, k1, start), w2 = ref Column(w, k2, start);
            ref double w3 = ref Column(w, k3, start), w4 = ref Column(w, k4, start);
            bool first = g == 0;
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var va0 = Vector256.Create(a0); var va1 = Vector256.Create(a1); var va2 = Vector256.Create(a2);
                var va3 = Vector256.Create(a3); var va4 = Vector256.Create(a4);
                const int n = 4; // Vector256<double>.Count
                for (; i <= len - 2 * n; i += 2 * n)
                {
                    nuint x = (nuint)i, y = (nuint)(i + n);
                    var s = first ? Vector256<double>.Zero : Vector256.LoadUnsafe(ref d, x);
                    var t = first ? Vector256<double>.Zero : Vector256.LoadUnsafe(ref d, y);
                    s = Vector256.FusedMultiplyAdd(va0, Vector256.LoadUnsafe(ref w0, x), s);
                    t = Vector256.FusedMultiplyAdd(va0, Vector256.LoadUnsafe(ref w0, y), t);
                    s = Vector256.FusedMultiplyAdd(va1, Vector256.LoadUnsafe(ref w1, x), s);
                    t = Vector256.FusedMultiplyAdd(va1, Vector256.LoadUnsafe(ref w1, y), t);
                    s = Vector256.FusedMultiplyAdd(va2, Vector256.LoadUnsafe(ref w2, x), s);
                    t = Vector256.FusedMultiplyAdd(va2, Vector256.LoadUnsafe(ref w2, y), t);
                    s = Vector256.FusedMultiplyAdd(va3, Vector256.LoadUnsafe(ref w3, x), s);
                    t = Vector256.FusedMultiplyAdd(va3, Vector256.LoadUnsafe(ref w3, y), t);
                    s = Vector256.FusedMultiplyAdd(va4, Vector256.LoadUnsafe(ref w4, x), s);
                    t = Vector256.FusedMultiplyAdd(va4, Vector256.LoadUnsafe(ref w4, y), t);
                    s.StoreUnsafe(ref d, x);
                    t.StoreUnsafe(ref d, y);
                }
            }
            for (; i < len; i++)
            {
                double s = first ? 0 : Unsafe.Add(ref d, i);
                s = Math.FusedMultiplyAdd(a0, Unsafe.Add(ref w0, i), s);
                s = Math.FusedMultiplyAdd(a1, Unsafe.Add(ref w1, i), s);
                s = Math.FusedMultiplyAdd(a2, Unsafe.Add(ref w2, i), s);
                s = Math.FusedMultiplyAdd(a3, Unsafe.Add(ref w3, i), s);
                s = Math.FusedMultiplyAdd(a4, Unsafe.Add(ref w4, i), s);
                Unsafe.Add(ref d, i) = s;
            }
        }
    }

    private static ref double Column(double[][] w, int k, int start) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(w[k]), start);
}
