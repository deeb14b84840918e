using System.Diagnostics;

namespace SbiFit.Codegen;

/// <summary>Median timings of one generated NLL on one dataset (seconds) and the value+gradient event rate.</summary>
public sealed record CodegenTiming(double BindSeconds, double ValueSeconds, double ValueGradientSeconds, GradientMode GradientMode, int Events)
{
    /// <summary>Events per second of one value+gradient call.</summary>
    public double ValueGradientEventsPerSecond => Events / ValueGradientSeconds;
}

/// <summary>Quick timing helper for the likelihood benchmark (the BenchmarkDotNet suite lives under bench/).</summary>
public static class CodegenBenchmark
{
    /// <summary>
    /// Binds the dataset, then times <paramref name="repeats"/> value and value+gradient calls at
    /// <paramref name="theta"/> after one warm-up call each; returns medians. The linearisation cache is off: repeated
    /// calls at one θ would be answered from it, and this measures the kernels.
    /// </summary>
    public static CodegenTiming Measure(INllKernels kernels, float[] x, double[] w, double[] theta, int threads,
        int repeats = 5, GradientMode mode = GradientMode.Auto)
    {
        if (repeats < 1) throw new ArgumentOutOfRangeException(nameof(repeats), "at least one repeat is needed.");
        var clock = Stopwatch.StartNew();
        var nll = new CompiledNll(kernels, x, w, analyticGradient: true, mode, threads, linearise: false);
        double bind = clock.Elapsed.TotalSeconds;
        var g = new double[theta.Length];
        nll.Value(theta); nll.ValueAndGradient(theta, g);
        var value = new double[repeats]; var grad = new double[repeats];
        for (int r = 0; r < repeats; r++)
        {
            clock.Restart(); nll.Value(theta); value[r] = clock.Elapsed.TotalSeconds;
            clock.Restart(); nll.ValueAndGradient(theta, g); grad[r] = clock.Elapsed.TotalSeconds;
        }
        return new CodegenTiming(bind, Median(value), Median(grad), nll.GradientMode, w.Length);
    }

    static double Median(double[] v)
    {
        Array.Sort(v);
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }
}
