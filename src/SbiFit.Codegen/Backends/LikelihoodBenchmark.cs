using System.Diagnostics;
using SbiFit.Inference;
using SbiFit.Inference.Likelihood;
using SbiFit.Learning;
using SbiFit.Learning.Onnx;
using SbiFit.Physics;

namespace SbiFit.Codegen.Backends;

/// <summary>One benchmark cell (times are medians in seconds; the JSON contract of <c>sbifit bench likelihood</c>).</summary>
public sealed record LikelihoodBenchmarkRow(string Backend, int Events, int NTheta, double ValueSeconds, double ValueGradSeconds,
    double FitSeconds, int FitCalls, double CompileSeconds, double SetupSeconds, double PeakFraction);

/// <summary>Synthetic, well-behaved SBI likelihood inputs for tests and benchmarks.</summary>
public static class SyntheticLikelihood
{
    /// <summary>A random ReLU network [n_x → hidden… → 1] with a mild theta dependence; deterministic in <paramref name="seed"/>.</summary>
    public static TheoryAwareNetwork RandomNetwork(int thetas, int seed, int features = 5, int hidden = 100)
    {
        var rng = new Rng((ulong)seed, 3);
        float[] Fill(int n, double s) => Enumerable.Range(0, n).Select(_ => (float)(s * rng.NextGaussian())).ToArray();
        var layers = new List<DenseLayer>
        {
            new(features, hidden, Fill(hidden * features, 1 / Math.Sqrt(features)), Fill(hidden, 0.1), Activation.ReLU),
            new(hidden, hidden, Fill(hidden * hidden, 1 / Math.Sqrt(hidden)), Fill(hidden, 0.1), Activation.ReLU),
            new(hidden, 1, Fill(hidden, 1 / Math.Sqrt(hidden)), Fill(1, 0.1), Activation.Identity),
        };
        return new TheoryAwareNetwork(EventFeatureNames(features), new[] { "V_R", "T_L", "V_L", "S_L", "S_R" }[..thetas],
            new float[features], Enumerable.Repeat(1f, features).ToArray(), Fill(thetas * features, 0.1), layers);
    }

    static string[] EventFeatureNames(int n) => Enumerable.Range(0, n).Select(i => $"x{i}").ToArray();

    /// <summary>
    /// Events around the network's standardisation mean (weights 1), the muon rate matrix as the reference rate
    /// form, N_SM = N_obs, parameters <paramref name="pois"/> (limits ±2) feeding the theta inputs in order, and a
    /// unit Gaussian constraint on the first parameter.
    /// </summary>
    public static SbiLikelihoodInput Input(TheoryAwareNetwork net, IReadOnlyList<string> pois, int events, int seed)
    {
        var rng = new Rng((ulong)seed, 7);
        int nx = net.FeatureCount;
        var x = new float[events * nx];
        for (int i = 0; i < events; i++)
            for (int j = 0; j < nx; j++) x[i * nx + j] = (float)(net.Mean[j] + net.Std[j] * rng.NextGaussian());
        return new SbiLikelihoodInput
        {
            Parameters = pois.Select(n => new Parameter(n, 0.0, 0.05, -2, 2)).ToArray(),
            ThetaParameters = pois.ToArray(),
            Features = x,
            Weights = Enumerable.Repeat(1.0, events).ToArray(),
            Rate = new RateQuadraticForm(RateMatrix.Compute(Lepton.Muon, FormFactorsCln.Hflav2019).Packed),
            StandardModelYield = events,
            Constraints = [new ParameterConstraint(pois[0], 0.0, 1.0)],
        };
    }
}

/// <summary>
/// Side-by-side timing of the four backends on random 5-100-100-1 ReLU networks: value, value+gradient (AD for
/// codegen-ad; 2·n_θ+1 values, the central differences of MINUIT's numerical gradient, for the others), a full
/// MIGRAD+HESSE fit from the SM, its call count, and the compile time.
/// </summary>
public static class LikelihoodBenchmark
{
    /// <summary>Runs every (n_θ, events, backend) cell; <paramref name="repeats"/> timed value calls, <paramref name="fitRepeats"/> fits.</summary>
    public static IReadOnlyList<LikelihoodBenchmarkRow> Run(IReadOnlyList<int> events, IReadOnlyList<int> thetas, IReadOnlyList<LikelihoodBackend> backends,
        double peakGflops, int threads, int repeats = 5, int fitRepeats = 3, IProgress<double>? progress = null, bool linearise = true)
    {
        var rows = new List<LikelihoodBenchmarkRow>();
        int total = events.Count * thetas.Count * backends.Count, done = 0;
        string dir = Path.Combine(Path.GetTempPath(), $"sbifit-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            foreach (int nt in thetas)
            {
                if (nt < 1 || nt > 5) throw new ArgumentException($"--theta {nt}: between 1 and 5 theta parameters are supported.");
                var net = SyntheticLikelihood.RandomNetwork(nt, seed: 100 + nt);
                string onnx = Path.Combine(dir, $"net{nt}.onnx");
                OnnxModelWriter.Save(net, onnx);
                double flopsPerEvent = net.Layers.Sum(l => 2.0 * l.Inputs * l.Outputs);
                foreach (int n in events)
                {
                    var input = SyntheticLikelihood.Input(net, net.ThetaNames, n, seed: 200 + nt);
                    using var builder = new SbiLikelihoodBuilder(net, onnx) { Threads = threads, Linearise = linearise };
                    foreach (var backend in backends)
                    {
                        // Per-call columns time the kernels (cache off: a linearised call at a repeated point is answered
                        // from the cache and says nothing about the per-event cost); the fit runs as the user's would.
                        builder.Linearise = false;
                        var kernels = builder.Build(backend, input);
                        builder.Linearise = linearise;
                        var fitting = linearise && backend is LikelihoodBackend.Codegen or LikelihoodBackend.CodegenAd
                            ? builder.Build(backend, input) : null;
                        rows.Add(Measure(kernels, n, nt, flopsPerEvent, peakGflops, repeats, fitRepeats, fitting));
                        progress?.Report(++done / (double)total);
                    }
                }
            }
        }
        finally { try { Directory.Delete(dir, true); } catch (IOException) { } }
        return rows;
    }

    /// <summary>
    /// Times one built likelihood: median value, value+gradient and MIGRAD+HESSE times over <paramref name="repeats"/> /
    /// <paramref name="fitRepeats"/> runs after a warm-up; <paramref name="peakGflops"/> ≤ 0 leaves the peak fraction NaN.
    /// The fit uses <paramref name="fitNll"/> when given (the same likelihood with the linearisation cache on).
    /// </summary>
    public static LikelihoodBenchmarkRow Measure(SbiLikelihood nll, int events, int nt, double flopsPerEvent, double peakGflops, int repeats, int fitRepeats,
        SbiLikelihood? fitNll = null)
    {
        var p = Enumerable.Range(0, nt).Select(k => 0.05 * (k + 1)).ToArray();
        var g = new double[nt];
        double value = Median(() => nll.Value(p), repeats);
        double valueGrad = nll.HasGradient
            ? Median(() => nll.ValueAndGradient(p, g), repeats)
            : Median(() => { nll.Value(p); for (int k = 0; k < 2 * nt; k++) nll.Value(p); }, repeats);
        int calls = 0;
        double fit = Median(() =>
        {
            var minuit = (fitNll ?? nll).CreateMinuit();
            minuit.Migrad();
            var r = minuit.Hesse();
            calls = r.NFcn + r.NGrad;
        }, fitRepeats);
        double compile = nll.Compile is { CacheHit: false } c ? c.Seconds : 0;
        double fraction = peakGflops > 0 ? events * flopsPerEvent / value / 1e9 / peakGflops : double.NaN;
        return new LikelihoodBenchmarkRow(nll.Backend.Name(), events, nt, value, valueGrad, fit, calls, compile, nll.SetupSeconds, fraction);
    }

    static double Median(Action action, int repeats)
    {
        action();   // warm-up (JIT, first-touch of buffers)
        var t = new double[Math.Max(1, repeats)];
        for (int i = 0; i < t.Length; i++) { var sw = Stopwatch.StartNew(); action(); t[i] = sw.Elapsed.TotalSeconds; }
        Array.Sort(t);
        return t.Length % 2 == 1 ? t[t.Length / 2] : 0.5 * (t[t.Length / 2 - 1] + t[t.Length / 2]);
    }
}
