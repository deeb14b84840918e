using System.Collections.Concurrent;
using System.Numerics;

namespace SbiFit.Learning.Kernels;

/// <summary>Training rows stored feature-major: standardised z [n_x, Rows], θ [n_θ, Rows], label, weight.</summary>
internal sealed class PreparedSet<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    internal PreparedSet(int rows, int features, int thetas)
    {
        Rows = rows; Features = features; Thetas = thetas;
        Z = new T[features * rows]; Theta = new T[thetas * rows]; Label = new T[rows]; Weight = new double[rows];
    }

    internal int Rows { get; }
    internal int Features { get; }
    internal int Thetas { get; }
    internal T[] Z { get; }
    internal T[] Theta { get; }
    internal T[] Label { get; }
    internal double[] Weight { get; }

    /// <summary>Copies rows[0..count) into the engine's block buffers, zero-padding the rest of the block.</summary>
    internal void Gather(BlockEngine<T> engine, ReadOnlySpan<int> rows)
    {
        int w = engine.Width, n = rows.Length;
        for (int i = 0; i < Features; i++) GatherRow(Z.AsSpan(i * Rows, Rows), engine.Input.AsSpan(i * w, w), rows);
        for (int t = 0; t < Thetas; t++) GatherRow(Theta.AsSpan(t * Rows, Rows), engine.Theta.AsSpan(t * w, w), rows);
        GatherRow(Label, engine.Label, rows);
        for (int e = 0; e < n; e++) engine.Weight[e] = Weight[rows[e]];
        engine.Weight.AsSpan(n).Clear();
    }

    private static void GatherRow(ReadOnlySpan<T> src, Span<T> dst, ReadOnlySpan<int> rows)
    {
        for (int e = 0; e < rows.Length; e++) dst[e] = src[rows[e]];
        dst[rows.Length..].Clear();
    }
}

/// <summary>
/// Loss and gradient over a batch of rows, multi-threaded over blocks of events. The batch is cut into a fixed number
/// of contiguous chunks that depends only on the batch size; each chunk accumulates its own double gradient, and chunks
/// are summed in index order, so the result is identical for any thread count.
/// </summary>
internal sealed class BatchRunner<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int MaxChunks = 32;
    private readonly NetworkLayout _layout;
    private readonly PreparedSet<T> _data;
    private readonly ParallelOptions _parallel;
    private readonly ConcurrentBag<BlockEngine<T>> _engines = new();
    private readonly double[][] _chunkGrad = new double[MaxChunks][];
    private readonly double[] _chunkLoss = new double[MaxChunks];
    private readonly T[][] _transposed;

    internal BatchRunner(NetworkLayout layout, PreparedSet<T> data, int threads, int blockWidth)
    {
        _layout = layout; _data = data; BlockWidth = blockWidth;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        _transposed = new T[layout.LayerCount][];
        for (int l = 0; l < layout.LayerCount; l++) _transposed[l] = new T[layout.Outputs[l] * layout.Inputs[l]];
    }

    internal int BlockWidth { get; }

    /// <summary>
    /// Normalised weighted BCE over rows[start..start+count) and, when <paramref name="grad"/> is non-null, its gradient
    /// with respect to the flat parameters (overwritten).
    /// </summary>
    internal double Evaluate(T[] p, int[] rows, int start, int count, double[]? grad)
    {
        double wsum = 0;
        for (int r = start; r < start + count; r++) wsum += _data.Weight[rows[r]];
        if (!(wsum > 0)) throw new TrainingDataException("a batch has zero total weight; use a larger batch or check the weights.");
        bool withGrad = grad is not null;
        if (withGrad) Transpose(p);
        int blocks = (count + BlockWidth - 1) / BlockWidth, chunks = Math.Min(blocks, MaxChunks);
        double scale = 1 / wsum;
        Parallel.For(0, chunks, _parallel, Rent, (c, _, engine) =>
        {
            double[]? g = null;
            if (withGrad)
            {
                g = _chunkGrad[c] ??= new double[_layout.ParameterCount];
                Array.Clear(g);
            }
            double loss = 0;
            int b0 = (int)((long)c * blocks / chunks), b1 = (int)((long)(c + 1) * blocks / chunks);
            for (int b = b0; b < b1; b++)
            {
                int r0 = start + b * BlockWidth, n = Math.Min(BlockWidth, start + count - r0);
                _data.Gather(engine, rows.AsSpan(r0, n));
                engine.ApplyShift(p);
                engine.Forward(p);
                loss += engine.Loss(scale, withGrad);
                if (g is not null) engine.Backward(p, _transposed, g);
            }
            _chunkLoss[c] = loss;
            return engine;
        }, e => _engines.Add(e));

        double total = 0;
        for (int c = 0; c < chunks; c++) total += _chunkLoss[c];
        if (grad is not null)
        {
            Array.Clear(grad);
            for (int c = 0; c < chunks; c++)
            {
                var g = _chunkGrad[c];
                for (int i = 0; i < grad.Length; i++) grad[i] += g[i];
            }
        }
        return total * scale;
    }

    private BlockEngine<T> Rent() => _engines.TryTake(out var e) ? e : new BlockEngine<T>(_layout, BlockWidth);

    private void Transpose(T[] p)
    {
        for (int l = 0; l < _layout.LayerCount; l++)
        {
            int m = _layout.Outputs[l], k = _layout.Inputs[l], off = _layout.WeightOffset[l];
            var wt = _transposed[l];
            for (int o = 0; o < m; o++)
                for (int j = 0; j < k; j++) wt[j * m + o] = p[off + o * k + j];
        }
    }
}
