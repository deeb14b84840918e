using System.Diagnostics;
using SbiFit.Inference;
using SbiFit.Inference.Likelihood;
using SbiFit.Inference.Minimisation;
using SbiFit.Learning;
using SbiFit.Learning.Onnx;
using SbiFit.Physics;

namespace SbiFit.Codegen.Backends;

/// <summary>One benchmark cell (times are medians in seconds; the JSON contract of <c>sbifit bench likelihood</c>).</summary>
public sealed record LikelihoodBenchmarkRow(string Backend, int Events, int NTheta, double ValueSeconds, double ValueGradSeconds,
    double FitSeconds, int FitCalls, double CompileSeconds, double SetupSeconds, double PeakFraction)
{
    /// <summary>Fitted parameter values of the timed fit (empty when not recorded, e.g. read from an older JSON file).</summary>
    public IReadOnlyList<double> FitValues { get; init; } = [];
    /// <summary>HESSE errors of the timed fit, in the order of <see cref="FitValues"/>.</summary>
    public IReadOnlyList<double> FitErrors { get; init; } = [];
    /// <summary>
    /// Linearised fits only: events sent through the full network during the timed fit, in units of the dataset
    /// (each (re-)linearisation counts as one pass); NaN otherwise.
    /// </summary>
    public double FitFullPasses { get; init; } = double.NaN;
    /// <summary>Linearised fits only: (re-)linearisations during the timed fit (0 otherwise).</summary>
    public int FitLinearisations { get; init; }
    /// <summary>
    /// Generated backends: seconds a fresh build spends getting the same kernels from the disk cache (read, load, fill
    /// the constants), i.e. what a later process or a retrained model of this shape pays instead of
    /// <see cref="CompileSeconds"/>; NaN for the other backends.
    /// </summary>
    public double CacheLoadSeconds { get; init; } = double.NaN;
}

/// <summary>The dataset a likelihood benchmark fits (see docs/benchmarks.md, "Likelihood backends").</summary>
public enum LikelihoodProblem
{
    /// <summary>
    /// Realistic: the L1-confined random network (<see cref="SyntheticLikelihood.ConfinedNetwork"/>) and an Asimov dataset
    /// generated from it at θ_gen (<see cref="SyntheticLikelihood.AsimovInput"/>); the minimum lies near θ_gen.
    /// </summary>
    Asimov,
    /// <summary>
    /// The original problem: the plain random network and unit-weight Gaussian events unrelated to the rate term
    /// (<see cref="SyntheticLikelihood.Input"/>); the 3-θ minimum lies on a limit, far from the start.
    /// </summary>
    Unweighted,
}

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
        return BenchmarkInput(pois, x, Enumerable.Repeat(1.0, events).ToArray(), MuonRate(), constraintMean: 0.0);
    }

    /// <summary>The muon rate matrix as the extended term's reference rate form.</summary>
    static RateQuadraticForm MuonRate() => new(RateMatrix.Compute(Lepton.Muon, FormFactorsCln.Hflav2019).Packed);

    /// <summary>
    /// What both problems share: parameters <paramref name="pois"/> (start 0, step 0.05, limits ±2) feeding the theta
    /// inputs in order, N_SM = the number of events, and a unit Gaussian constraint on the first parameter.
    /// </summary>
    static SbiLikelihoodInput BenchmarkInput(IReadOnlyList<string> pois, float[] x, double[] w, RateQuadraticForm rate, double constraintMean) => new()
    {
        Parameters = pois.Select(n => new Parameter(n, 0.0, 0.05, -2, 2)).ToArray(),
        ThetaParameters = pois.ToArray(),
        Features = x,
        Weights = w,
        Rate = rate,
        StandardModelYield = w.Length,
        Constraints = [new ParameterConstraint(pois[0], constraintMean, 1.0)],
    };

    /// <summary>Default generation point of <see cref="AsimovInput"/>: every parameter at this value (see docs/benchmarks.md).</summary>
    public const double DefaultGenerationTheta = 0.005;

    /// <summary>Default L1 confinement slope c of <see cref="ConfinedNetwork"/>.</summary>
    public const double DefaultConfinement = 4.0;

    /// <summary>
    /// <see cref="RandomNetwork"/> (the same random draw) with an L1 confinement built into its weights, so that
    /// exp(f(z)) is a normalisable density: first-layer units 0..2n_x−1 compute ReLU(±z_j), second-layer unit 0 adds them
    /// up to ‖z‖₁ and the output weight of that unit is −<paramref name="confinement"/>. The network is then the exact
    /// density ratio of its own pure-shift family q(z|θ) ∝ exp(f(z + θ·V)): r(z|θ) = q(z|θ)/q(z|0), ⟨r(θ)⟩_q(·|0) = 1
    /// for every θ, which is what the NLL's unnormalised learned term assumes of a trained network. Same shape and
    /// cost as <see cref="RandomNetwork"/> (needs hidden ≥ 2·features).
    /// </summary>
    public static TheoryAwareNetwork ConfinedNetwork(int thetas, int seed, int features = 5, int hidden = 100, double confinement = DefaultConfinement)
    {
        if (hidden < 2 * features) throw new ArgumentException($"a confined network needs at least {2 * features} hidden units, got {hidden}.");
        var net = RandomNetwork(thetas, seed, features, hidden);
        DenseLayer l1 = net.Layers[0], l2 = net.Layers[1], l3 = net.Layers[2];
        for (int j = 0; j < 2 * features; j++)
        {
            Array.Clear(l1.Weights, j * features, features);
            l1.Weights[j * features + j % features] = j < features ? 1f : -1f;
            l1.Bias[j] = 0;
        }
        Array.Clear(l2.Weights, 0, hidden);
        for (int j = 0; j < 2 * features; j++) l2.Weights[j] = 1f;
        l2.Bias[0] = 0;
        l3.Weights[0] = (float)-confinement;
        return new TheoryAwareNetwork(net.FeatureNames, net.ThetaNames, net.Mean, net.Std, net.Shift, net.Layers);
    }

    /// <summary>
    /// An Asimov-style dataset consistent with <paramref name="net"/> (use <see cref="ConfinedNetwork"/>) at the generation
    /// point θ_gen = <paramref name="thetaGen"/> for every parameter. The model density q(x|θ_gen) ∝ exp(logit(x, θ_gen))
    /// (= q(x|0) times the network's own ratio r(x|θ_gen)) is importance-sampled: events from independent Student-t
    /// (ν = 4) proposals per standardised feature, centred and scaled on q's weighted mean and width (two pilot rounds),
    /// weights w_i ∝ exp(logit(x_i, θ_gen))/g(x_i), scaled so that Σw equals the extended term's expected yield
    /// ν(θ_gen) = N_SM·I(θ_gen)/I(0) with N_SM = <paramref name="events"/>. Rate form, limits and steps are those of
    /// <see cref="Input"/>; the unit Gaussian constraint on the first parameter is centred on θ_gen.
    /// </summary>
    public static SbiLikelihoodInput AsimovInput(TheoryAwareNetwork net, IReadOnlyList<string> pois, int events, int seed,
        double thetaGen = DefaultGenerationTheta)
    {
        int nx = net.FeatureCount;
        var rng = new Rng((ulong)seed, 7);
        var centre = new double[nx];
        var width = Enumerable.Repeat(1.0, nx).ToArray();
        for (int round = 0; round < 2; round++)
        {
            var (px, pw) = ImportanceSample(net, Math.Min(events, 20000), thetaGen, centre, width, rng);
            double sw = pw.Sum();
            for (int j = 0; j < nx; j++)
            {
                double m = 0, v = 0;
                for (int i = 0; i < pw.Length; i++) m += pw[i] * (px[i * nx + j] - net.Mean[j]) / net.Std[j];
                m /= sw;
                for (int i = 0; i < pw.Length; i++) { double d = (px[i * nx + j] - net.Mean[j]) / net.Std[j] - m; v += pw[i] * d * d; }
                centre[j] = m; width[j] = Math.Sqrt(v / sw);
            }
        }
        var (x, w) = ImportanceSample(net, events, thetaGen, centre, width, rng);
        var rate = MuonRate();
        var map = new WilsonParameterMap(pois);
        double nu = events * rate.Evaluate(map, Enumerable.Repeat(thetaGen, pois.Count).ToArray()) / rate.Evaluate(map, new double[pois.Count]);
        double scale = nu / w.Sum();
        for (int i = 0; i < events; i++) w[i] *= scale;
        return BenchmarkInput(pois, x, w, rate, constraintMean: thetaGen);
    }

    /// <summary>Events from independent t₄(centre, width) proposals in standardised units, weights exp(logit(x, θ_gen))/g (max 1).</summary>
    static (float[] X, double[] W) ImportanceSample(TheoryAwareNetwork net, int events, double thetaGen, double[] centre, double[] width, Rng rng)
    {
        const double dof = 4;
        int nx = net.FeatureCount, nt = net.ThetaCount;
        var x = new float[events * nx];
        var logW = new double[events];
        for (int i = 0; i < events; i++)
            for (int j = 0; j < nx; j++)
            {
                double chi2 = 0;
                for (int k = 0; k < dof; k++) { double g = rng.NextGaussian(); chi2 += g * g; }
                double t = rng.NextGaussian() / Math.Sqrt(chi2 / dof);
                x[i * nx + j] = (float)(net.Mean[j] + net.Std[j] * (centre[j] + width[j] * t));
                logW[i] += 0.5 * (dof + 1) * Math.Log(1 + t * t / dof);   // −log g up to a constant
            }
        var theta = new float[events * nt];
        Array.Fill(theta, (float)thetaGen);
        var logit = new float[events];
        net.Logits(x, theta, events, logit);
        double max = double.NegativeInfinity;
        for (int i = 0; i < events; i++) { logW[i] += logit[i]; max = Math.Max(max, logW[i]); }
        var w = new double[events];
        for (int i = 0; i < events; i++) w[i] = Math.Exp(logW[i] - max);
        return (x, w);
    }
}

/// <summary>
/// Side-by-side timing of the four backends on 5-100-100-1 ReLU networks (<see cref="LikelihoodProblem"/>): value, value+gradient (AD for
/// codegen-ad; 2·n_θ+1 values, the central differences of MINUIT's numerical gradient, for the others), a full
/// MIGRAD+HESSE fit from the SM, its call count, and the compile time.
/// </summary>
public static class LikelihoodBenchmark
{
    /// <summary>Runs every (n_θ, events, backend) cell; <paramref name="repeats"/> timed value calls, <paramref name="fitRepeats"/> fits.</summary>
    /// <remarks>
    /// <paramref name="problem"/> picks the dataset (every backend of a cell fits the same one); <paramref name="thetaGen"/>
    /// is the generation point of <see cref="LikelihoodProblem.Asimov"/> (ignored for the unweighted problem).
    /// </remarks>
    public static IReadOnlyList<LikelihoodBenchmarkRow> Run(IReadOnlyList<int> events, IReadOnlyList<int> thetas, IReadOnlyList<LikelihoodBackend> backends,
        double peakGflops, int threads, int repeats = 5, int fitRepeats = 3, IProgress<double>? progress = null, bool linearise = true,
        LikelihoodProblem problem = LikelihoodProblem.Asimov, double thetaGen = SyntheticLikelihood.DefaultGenerationTheta)
    {
        var rows = new List<LikelihoodBenchmarkRow>();
        int total = events.Count * thetas.Count * backends.Distinct().Count(), done = 0;
        string dir = Path.Combine(Path.GetTempPath(), $"sbifit-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            foreach (int nt in thetas)
            {
                if (nt < 1 || nt > 5) throw new ArgumentException($"--theta {nt}: between 1 and 5 theta parameters are supported.");
                var net = problem == LikelihoodProblem.Asimov
                    ? SyntheticLikelihood.ConfinedNetwork(nt, seed: 100 + nt)
                    : SyntheticLikelihood.RandomNetwork(nt, seed: 100 + nt);
                string onnx = Path.Combine(dir, $"net{nt}.onnx");
                OnnxModelWriter.Save(net, onnx);
                double flopsPerEvent = net.Layers.Sum(l => 2.0 * l.Inputs * l.Outputs);
                foreach (int n in events)
                {
                    var input = problem == LikelihoodProblem.Asimov
                        ? SyntheticLikelihood.AsimovInput(net, net.ThetaNames, n, seed: 200 + nt, thetaGen)
                        : SyntheticLikelihood.Input(net, net.ThetaNames, n, seed: 200 + nt);
                    // A cache of this run's own, empty at first: the compile is uncached, and a load of the same kernels from it is timed.
                    var cache = new CodeCache(Path.Combine(dir, $"codegen-cache-{nt}-{n}"));
                    using var builder = new SbiLikelihoodBuilder(net, onnx) { Threads = threads, Linearise = linearise, Cache = cache };
                    var cell = new Dictionary<LikelihoodBackend, LikelihoodBenchmarkRow>();
                    double cacheLoad = double.NaN;   // codegen and codegen-ad share one source: one cache load per cell
                    foreach (var backend in MeasurementOrder(backends))
                    {
                        var (kernels, fitting) = BuildForTiming(builder, backend, input, linearise);
                        if (kernels.Compile is not null && double.IsNaN(cacheLoad))
                            cacheLoad = builder.TimeKernelLoad(input) is { CacheHit: true } load ? load.Seconds : double.NaN;
                        GC.Collect(); GC.WaitForPendingFinalizers(); GC.Collect();   // each backend starts from a collected heap
                        cell[backend] = Measure(kernels, n, nt, flopsPerEvent, peakGflops, repeats, fitRepeats, fitting) with
                        {
                            CacheLoadSeconds = kernels.Compile is null ? double.NaN : cacheLoad,
                        };
                        progress?.Report(++done / (double)total);
                    }
                    rows.AddRange(backends.Select(b => cell[b]));
                }
            }
        }
        finally { try { Directory.Delete(dir, true); } catch (IOException) { } }
        return rows;
    }

    /// <summary>
    /// The order the backends of one cell are timed in: the requested ones, runtime last (the table keeps the requested
    /// order). After ONNX Runtime has evaluated 1e6-row batches, the generated kernels timed later in the same process
    /// ran 1.5–1.7× slower (value + gradient 420–480 vs 240–250 ms at 1e6 events, 1 θ; closing the session and a full GC
    /// did not help, cause not found), while ONNX Runtime's own timings are the same in either order. A user's process
    /// runs one backend, so each is timed as it would run alone.
    /// </summary>
    public static IEnumerable<LikelihoodBackend> MeasurementOrder(IReadOnlyList<LikelihoodBackend> backends) =>
        backends.Distinct().OrderBy(b => b == LikelihoodBackend.Runtime ? 1 : 0);

    /// <summary>
    /// The likelihood the per-call timings use, with the linearisation cache off (a linearised call at a repeated point is
    /// answered from the cache and says nothing about the per-event cost), and, for the generated backends when
    /// <paramref name="linearise"/>, a second one with the cache on for the fits, which run as a user's would (null
    /// otherwise: fit the first). Leaves <see cref="SbiLikelihoodBuilder.Linearise"/> at <paramref name="linearise"/>.
    /// </summary>
    public static (SbiLikelihood Kernels, SbiLikelihood? Fitting) BuildForTiming(SbiLikelihoodBuilder builder, LikelihoodBackend backend,
        SbiLikelihoodInput input, bool linearise)
    {
        builder.Linearise = false;
        var kernels = builder.Build(backend, input);
        builder.Linearise = linearise;
        var fitting = linearise && backend is LikelihoodBackend.Codegen or LikelihoodBackend.CodegenAd ? builder.Build(backend, input) : null;
        return (kernels, fitting);
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
        int calls = 0, linearisations = 0;
        double passes = double.NaN;
        FitResult? result = null;
        var fitting = fitNll ?? nll;
        var compiled = fitting.Compiled is { Linearising: true } lc ? lc : null;
        double fit = Median(() =>
        {
            // Each fit starts from an empty cache, as a single fit in a fresh process would (the warm-up fit would
            // otherwise leave it linearised at the minimum).
            compiled?.ResetLinearisation();
            long full0 = compiled?.TotalFullEvents ?? 0;
            int lin0 = compiled?.Linearisations ?? 0;
            var minuit = fitting.CreateMinuit();
            minuit.Migrad();
            result = minuit.Hesse();
            calls = result.NFcn + result.NGrad;
            if (compiled is null) return;
            passes = (compiled.TotalFullEvents - full0) / (double)events;
            linearisations = compiled.Linearisations - lin0;
        }, fitRepeats);
        double compile = nll.Compile is { CacheHit: false } c ? c.Seconds : 0;
        double fraction = peakGflops > 0 ? events * flopsPerEvent / value / 1e9 / peakGflops : double.NaN;
        return new LikelihoodBenchmarkRow(nll.Backend.Name(), events, nt, value, valueGrad, fit, calls, compile, nll.SetupSeconds, fraction)
        {
            FitValues = result?.Values ?? [],
            FitErrors = result?.Errors ?? [],
            FitFullPasses = passes,
            FitLinearisations = linearisations,
        };
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
