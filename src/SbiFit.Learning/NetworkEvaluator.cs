using System.Collections.Concurrent;
using SbiFit.Learning.Kernels;

namespace SbiFit.Learning;

/// <summary>
/// Fast float32 batched inference for a <see cref="TheoryAwareNetwork"/>: events in blocks of 192, register-blocked
/// Vector256/FMA matrix products, vectorised activations, blocks spread over threads. Workspaces are allocated once
/// and reused, so repeated calls do not allocate per event. Parameters are copied when the evaluator is created.
/// Thread-safe; every event's logit is independent of the thread count.
/// </summary>
public sealed class NetworkEvaluator
{
    private readonly NetworkLayout _layout;
    private readonly float[] _p, _mean, _std;
    private readonly ParallelOptions _parallel;
    private readonly ConcurrentBag<BlockEngine<float>> _engines = new();

    /// <summary>Creates an evaluator; <paramref name="threads"/> 0 = all processors.</summary>
    public NetworkEvaluator(TheoryAwareNetwork network, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        _layout = NetworkLayout.Of(network);
        _p = NetworkLayout.Flatten(network, _layout);
        _mean = (float[])network.Mean.Clone();
        _std = (float[])network.Std.Clone();
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = Threads };
    }

    /// <summary>Worker threads used for large batches.</summary>
    public int Threads { get; }

    /// <summary>Logits for <paramref name="rows"/> events; x row-major [rows, n_x] raw, θ row-major [rows, n_θ].</summary>
    public unsafe void Logits(ReadOnlySpan<float> x, ReadOnlySpan<float> theta, int rows, Span<float> logits)
    {
        int nx = _layout.Features, nt = _layout.Thetas;
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (x.Length < (long)rows * nx) throw new ArgumentException($"x has {x.Length} values, need {rows} x {nx}.", nameof(x));
        if (theta.Length < (long)rows * nt) throw new ArgumentException($"theta has {theta.Length} values, need {rows} x {nt}.", nameof(theta));
        if (logits.Length < rows) throw new ArgumentException($"logits has room for {logits.Length}, need {rows}.", nameof(logits));
        if (rows == 0) return;
        int blocks = (rows + Trainer.BlockWidth - 1) / Trainer.BlockWidth;
        fixed (float* px = x, pt = theta, pl = logits)
        {
            if (blocks == 1 || Threads == 1)
            {
                var engine = Rent();
                for (int b = 0; b < blocks; b++) RunBlock(engine, px, pt, pl, rows, b);
                _engines.Add(engine);
                return;
            }
            nint ax = (nint)px, at = (nint)pt, al = (nint)pl;
            Parallel.For(0, blocks, _parallel, Rent, (b, _, engine) =>
            {
                RunBlock(engine, (float*)ax, (float*)at, (float*)al, rows, b);
                return engine;
            }, e => _engines.Add(e));
        }
    }

    private BlockEngine<float> Rent() => _engines.TryTake(out var e) ? e : new BlockEngine<float>(_layout, Trainer.BlockWidth);

    private unsafe void RunBlock(BlockEngine<float> engine, float* x, float* theta, float* logits, int rows, int block)
    {
        int w = engine.Width, nx = _layout.Features, nt = _layout.Thetas;
        int r0 = block * w, n = Math.Min(w, rows - r0);
        var z = engine.Input;
        var th = engine.Theta;
        // Standardise and transpose into the feature-major block (padding lanes zero).
        for (int i = 0; i < nx; i++)
        {
            float mu = _mean[i], sd = _std[i];
            int o = i * w;
            for (int e = 0; e < n; e++) z[o + e] = (x[(long)(r0 + e) * nx + i] - mu) / sd;
            Array.Clear(z, o + n, w - n);
        }
        for (int t = 0; t < nt; t++)
        {
            int o = t * w;
            for (int e = 0; e < n; e++) th[o + e] = theta[(long)(r0 + e) * nt + t];
            Array.Clear(th, o + n, w - n);
        }
        engine.ApplyShift(_p);
        engine.Forward(_p);
        engine.Logits[..n].CopyTo(new Span<float>(logits + r0, n));
    }
}
