using System.Globalization;
using System.Text;
using SbiFit.Data;
using SbiFit.Physics;

namespace SbiFit.Inference.Statistics;

/// <summary>
/// One pseudo-experiment: fitted value and error of the studied POI, pull = (θ_min − θ_gen)/σ, the 68 % interval
/// [Lo, Hi] (MINOS when requested and found, else ±HESSE) and whether it covers θ_gen.
/// </summary>
public sealed record ToyResult(int Index, double ThetaMin, double Error, double Pull, double IntervalLo, double IntervalHi,
    bool Covered, bool Valid, double NllMin);

/// <summary>Pull mean and width (with statistical uncertainties) and coverage of the 68 % interval over valid toys.</summary>
public sealed record ToySummary(int Toys, int ValidToys, double PullMean, double PullMeanError, double PullWidth,
    double PullWidthError, double Coverage, double CoverageError);

/// <summary>Options of a toy study.</summary>
/// <param name="Poi">The POI whose pull is recorded (default: the first).</param>
/// <param name="Fit">Fit options; with Minos the interval is MINOS's.</param>
/// <param name="MaxParallelism">Threads over toys (−1: all cores). Results do not depend on it.</param>
public sealed record ToyOptions(string? Poi = null, FitOptions? Fit = null, int MaxParallelism = -1);

/// <summary>
/// Poisson-bootstrap pseudo-experiments at θ_gen: toy k multiplies every event's Asimov weight at θ_gen by a Poisson(1)
/// draw from <c>new Rng(seed, k)</c>, so any toy can be rerun alone; the fits run in parallel into a fixed result array.
/// </summary>
public static class ToyStudy
{
    /// <summary>Runs toys 0..count−1 (progress: fraction of finished toys).</summary>
    public static IReadOnlyList<ToyResult> Run(LikelihoodSetup setup, double[] thetaGen, int count, ulong seed,
        ToyOptions? options = null, double[]? baseWeights = null, IProgress<double>? progress = null)
    {
        if (count <= 0) throw new ArgumentException($"The number of toys must be positive, got {count}.");
        options ??= new ToyOptions();
        var asimov = setup.AsimovWeights(thetaGen, baseWeights);
        var results = new ToyResult[count];
        int done = 0;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelism }, k =>
        {
            results[k] = RunToy(setup, thetaGen, asimov, k, seed, options);
            int d = Interlocked.Increment(ref done);
            progress?.Report((double)d / count);
        });
        return results;
    }

    /// <summary>Reruns toy <paramref name="index"/> alone (identical to its result in <see cref="Run"/>).</summary>
    public static ToyResult RunSingle(LikelihoodSetup setup, double[] thetaGen, int index, ulong seed, ToyOptions? options = null,
        double[]? baseWeights = null)
    {
        if (index < 0) throw new ArgumentException($"Toy index must be non-negative, got {index}.");
        return RunToy(setup, thetaGen, setup.AsimovWeights(thetaGen, baseWeights), index, seed, options ?? new ToyOptions());
    }

    /// <summary>Poisson(1) bootstrap of the weights for toy <paramref name="index"/>.</summary>
    public static double[] ToyWeights(double[] asimovWeights, int index, ulong seed)
    {
        var rng = new Rng(seed, (ulong)index);
        var w = new double[asimovWeights.Length];
        for (int i = 0; i < w.Length; i++) w[i] = asimovWeights[i] * rng.NextPoisson(1.0);
        return w;
    }

    private static ToyResult RunToy(LikelihoodSetup setup, double[] thetaGen, double[] asimov, int index, ulong seed, ToyOptions options)
    {
        string poi = options.Poi ?? setup.Pois[0];
        int k = setup.Pois.ToList().IndexOf(poi);
        if (k < 0) throw new ArgumentException($"Toy POI '{poi}' is not among the fit POIs ({string.Join(", ", setup.Pois)}).");
        var nll = setup.Build(ToyWeights(asimov, index, seed));
        var fitOptions = options.Fit ?? new FitOptions();
        var (_, fit) = Fitter.Fit(nll, setup.Parameters(), fitOptions);
        var p = fit.Parameters[k];
        double lo = p.Value - p.Error, hi = p.Value + p.Error;
        if (fitOptions.Minos && p.Minos is { IsValid: true } m) { lo = p.Value + m.Lower; hi = p.Value + m.Upper; }
        double gen = thetaGen[k];
        // Pull with the error on the side of θ_gen (MINOS) or the symmetric HESSE error.
        double sigma = p.Value > gen ? p.Value - lo : hi - p.Value;
        bool valid = fit.IsValid && double.IsFinite(p.Value) && sigma > 0;
        return new ToyResult(index, p.Value, p.Error, (p.Value - gen) / sigma, lo, hi, lo <= gen && gen <= hi, valid, fit.Fval);
    }

    /// <summary>Summary over the valid toys.</summary>
    public static ToySummary Summarise(IReadOnlyList<ToyResult> toys)
    {
        var valid = toys.Where(t => t.Valid && double.IsFinite(t.Pull)).ToArray();
        int n = valid.Length;
        if (n < 2) return new ToySummary(toys.Count, n, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double mean = valid.Average(t => t.Pull);
        double var = valid.Sum(t => (t.Pull - mean) * (t.Pull - mean)) / (n - 1);
        double width = Math.Sqrt(var);
        double cov = valid.Count(t => t.Covered) / (double)n;
        return new ToySummary(toys.Count, n, mean, width / Math.Sqrt(n), width, width / Math.Sqrt(2.0 * (n - 1)),
            cov, Math.Sqrt(cov * (1 - cov) / n));
    }

    /// <summary>CSV with one row per toy.</summary>
    public static string ToCsv(IReadOnlyList<ToyResult> toys)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder().AppendLine("toy,theta_min,error,pull,interval_lo,interval_hi,covered,valid,nll_min");
        foreach (var t in toys)
            sb.AppendLine(string.Join(",", t.Index.ToString(ci), t.ThetaMin.ToString("R", ci), t.Error.ToString("R", ci), t.Pull.ToString("R", ci),
                t.IntervalLo.ToString("R", ci), t.IntervalHi.ToString("R", ci), t.Covered ? "true" : "false", t.Valid ? "true" : "false",
                t.NllMin.ToString("R", ci)));
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> atomically.</summary>
    public static void WriteCsv(IReadOnlyList<ToyResult> toys, string path) => AtomicFile.WriteAllText(path, ToCsv(toys));
}
