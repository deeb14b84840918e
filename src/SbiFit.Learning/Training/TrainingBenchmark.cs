using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SbiFit.Learning.Kernels;
using SbiFit.Physics;

namespace SbiFit.Learning;

/// <summary>
/// Result of <see cref="TrainingBenchmark.Run"/>: seconds per full-batch epoch, the arithmetic done per epoch
/// (forward + backward on the training rows, forward on the test rows, 2 FLOP per multiply-add), the effective rate,
/// and the machine's measured peak FMA rate on the same number of threads.
/// </summary>
public sealed record TrainingBenchmarkResult(int Events, int TrainRows, int TestRows, int Threads, int Epochs,
    double SecondsPerEpoch, double GflopPerEpoch, double EffectiveGflops, double PeakGflops)
{
    /// <summary>Effective over peak.</summary>
    public double FractionOfPeak => PeakGflops > 0 ? EffectiveGflops / PeakGflops : double.NaN;
}

/// <summary>Measures training throughput of SbiFit's kernels against the machine's FMA peak.</summary>
public static class TrainingBenchmark
{
    /// <summary>
    /// Trains the default network (hidden [100,100] ReLU unless given) on <paramref name="events"/> synthetic events
    /// (<paramref name="features"/> Gaussian features, one θ) for one warm-up epoch plus <paramref name="epochs"/> timed
    /// epochs, and measures the peak FMA rate on <paramref name="threads"/> threads.
    /// </summary>
    public static TrainingBenchmarkResult Run(int events = 200_000, int threads = 2, int epochs = 3, int features = 8,
        IReadOnlyList<int>? hidden = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(events, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        var sizes = hidden ?? [100, 100];
        var data = SyntheticData(events, features, seed: 1);
        var options = new TrainingOptions { HiddenSizes = sizes, Epochs = epochs + 1, Threads = threads, Seed = 1 };
        var ticks = new List<double>();
        var clock = Stopwatch.StartNew();
        var result = Trainer.Train(data, options, new EpochClock(clock, ticks));
        double perEpoch = (ticks[^1] - ticks[0]) / epochs; // the first epoch (JIT, allocation) is not timed

        int testEvents = (int)Math.Round(events * options.ValidationFraction);
        int trainRows = 2 * (events - testEvents), testRows = 2 * testEvents;
        long mac = NetworkLayout.Of(result.Network).MultiplyAddsPerEvent();
        double gflop = 2.0 * mac * (3.0 * trainRows + testRows) / 1e9;
        return new TrainingBenchmarkResult(events, trainRows, testRows, threads, epochs, perEpoch, gflop, gflop / perEpoch,
            MeasurePeakGflops(threads));
    }

    /// <summary>
    /// Peak single-precision FMA rate: each thread runs 12 independent Vector256 FMA chains (enough to hide the FMA
    /// latency on two ports) for about <paramref name="seconds"/>.
    /// </summary>
    public static double MeasurePeakGflops(int threads, double seconds = 0.3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        FmaChains(1000); // JIT warm-up
        const long iterations = 2_000_000;
        var once = Stopwatch.StartNew();
        FmaChains(iterations);
        long reps = Math.Max(1, (long)(seconds / Math.Max(once.Elapsed.TotalSeconds, 1e-6)));
        var sw = Stopwatch.StartNew();
        double sink = 0;
        var gate = new object();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            float s = 0;
            for (long r = 0; r < reps; r++) s += FmaChains(iterations);
            lock (gate) sink += s;
        });
        double secs = sw.Elapsed.TotalSeconds;
        if (double.IsNaN(sink)) secs = double.NaN; // keeps the result observable so the loop cannot be removed
        return threads * reps * iterations * 12.0 * Vector256<float>.Count * 2 / secs / 1e9;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float FmaChains(long iterations)
    {
        var m = Vector256.Create(0.999999f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        Vector256<float> a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++)
        {
            a0 = DenseKernels.MulAdd(a0, m, c); a1 = DenseKernels.MulAdd(a1, m, c); a2 = DenseKernels.MulAdd(a2, m, c);
            a3 = DenseKernels.MulAdd(a3, m, c); a4 = DenseKernels.MulAdd(a4, m, c); a5 = DenseKernels.MulAdd(a5, m, c);
            a6 = DenseKernels.MulAdd(a6, m, c); a7 = DenseKernels.MulAdd(a7, m, c); a8 = DenseKernels.MulAdd(a8, m, c);
            a9 = DenseKernels.MulAdd(a9, m, c); a10 = DenseKernels.MulAdd(a10, m, c); a11 = DenseKernels.MulAdd(a11, m, c);
        }
        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    private static TrainingData SyntheticData(int events, int features, ulong seed)
    {
        var rng = new Rng(seed, 0);
        var x = new double[events * features];
        var th = new double[events];
        var wSm = new double[events];
        var wNp = new double[events];
        for (int e = 0; e < events; e++)
        {
            for (int i = 0; i < features; i++) x[e * features + i] = rng.NextGaussian();
            th[e] = rng.Uniform(-1, 1);
            wSm[e] = 1;
            wNp[e] = Math.Exp(th[e] * x[e * features] - th[e] * th[e] / 2);
        }
        return TrainingData.Create(Enumerable.Range(0, features).Select(i => $"x{i}").ToArray(), ["theta"], x, wSm, wNp, th);
    }

    private sealed class EpochClock(Stopwatch clock, List<double> ticks) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => ticks.Add(clock.Elapsed.TotalSeconds);
    }
}
