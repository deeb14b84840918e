using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SbiFit.Inference.Templates;

/// <summary>Small hot-loop helpers: fixed-length-25 axpy/dot with Vector256, and deterministic chunked parallelism.</summary>
internal static class Kernels
{
    /// <summary>dst += w·src over the packed length (25).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AddScaled(Span<double> dst, ReadOnlySpan<double> src, double w)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vw = Vector256.Create(w);
            for (; i <= src.Length - 4; i += 4)
            {
                var d = Vector256.Create(dst.Slice(i, 4));
                Vector256.FusedMultiplyAdd(vw, Vector256.Create(src.Slice(i, 4)), d).CopyTo(dst.Slice(i, 4));
            }
        }
        for (; i < src.Length; i++) dst[i] += w * src[i];
    }

    /// <summary>Σ a_k x_k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> x)
    {
        int i = 0;
        double s = 0;
        if (Vector256.IsHardwareAccelerated && a.Length >= 4)
        {
            var acc = Vector256<double>.Zero;
            for (; i <= a.Length - 4; i += 4)
                acc = Vector256.FusedMultiplyAdd(Vector256.Create(a.Slice(i, 4)), Vector256.Create(x.Slice(i, 4)), acc);
            s = Vector256.Sum(acc);
        }
        for (; i < a.Length; i++) s += a[i] * x[i];
        return s;
    }

    /// <summary>
    /// Runs <paramref name="body"/>(chunk, start, end) over fixed-size chunks of [0, n) in parallel. Chunk boundaries depend
    /// only on n, so per-chunk results summed in chunk order are thread-count independent. A
    /// <see cref="TemplateException"/> thrown inside surfaces unwrapped.
    /// </summary>
    public static void ForChunks(int n, int chunkSize, Action<int, int, int> body)
    {
        int chunks = ChunkCount(n, chunkSize);
        try
        {
            Parallel.For(0, chunks, c => body(c, c * chunkSize, Math.Min(n, (c + 1) * chunkSize)));
        }
        catch (AggregateException ex) when (ex.InnerExceptions.OfType<TemplateException>().Any())
        {
            throw ex.InnerExceptions.OfType<TemplateException>().First();
        }
    }

    /// <summary>Number of chunks <see cref="ForChunks"/> uses.</summary>
    public static int ChunkCount(int n, int chunkSize) => (n + chunkSize - 1) / chunkSize;
}
