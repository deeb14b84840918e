using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SbiFit.Cli.Bench;
using SbiFit.Codegen.Backends;
using SbiFit.Data;
using SbiFit.Learning;
using SbiFit.Reporting;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit bench likelihood</c>: the four likelihood backends side by side (median wall times).</summary>
internal static class BenchLikelihoodCommand
{
    /// <summary>The <c>likelihood</c> sub-command alone.</summary>
    public static Command CreateLikelihood(CliConsole console)
    {
        var events = new Option<string[]>("--events") { Description = "Event counts (repeat or comma-separate; 1e5 notation ok). Default 1e4,1e5,1e6." };
        var theta = new Option<string>("--theta") { Description = "Numbers of theta parameters, comma-separated.", DefaultValueFactory = _ => "1,3" };
        var json = new Option<string>("--json") { Description = "Write the results as JSON (machine, peak_gflops, results[])." };
        var backends = new Option<string>("--backends") { Description = "Backends, comma-separated.", DefaultValueFactory = _ => string.Join(",", LikelihoodBackends.Names) };
        var quick = new Option<bool>("--quick") { Description = "One fit and three value repeats per cell (smoke run)." };
        var threads = new Option<int>("--threads") { Description = "Worker threads (0 = all cores).", DefaultValueFactory = _ => 0 };
        var plot = new Option<string>("--plot") { Description = "Write a PNG: seconds per value+gradient and per fit vs events for each backend (log-log), one row per n_theta." };
        var noLinearise = new Option<bool>("--no-linearise") { Description = "Switch off the exact linearisation cache of the codegen backends (ReLU networks) in the fits too (the per-call columns always time the kernels with it off)." };
        var problem = new Option<string>("--problem")
        {
            Description = "Dataset: 'asimov' (default; an Asimov dataset generated from the benchmark network itself at theta_gen, "
                + "the network L1-confined so its ratio is normalised: the minimum lies near theta_gen, as in a real fit) or "
                + "'unweighted' (the original problem: unit-weight Gaussian events unrelated to the rate term, the 3-theta "
                + "minimum on a limit far from the start; reproduces the earlier numbers).",
            DefaultValueFactory = _ => "asimov",
        };
        var thetaGen = new Option<double>("--theta-gen")
        {
            Description = "Generation point of --problem asimov: every parameter at this value.",
            DefaultValueFactory = _ => SyntheticLikelihood.DefaultGenerationTheta,
        };
        var fromJson = new Option<string>("--from-json") { Description = "Do not run: read the results of an earlier --json file (e.g. to --plot them)." };
        var command = new Command("likelihood", "Time NLL value, value+gradient and MIGRAD+HESSE fits for runtime, interpreted, codegen and codegen-ad.");
        foreach (var o in new Option[] { events, theta, json, backends, quick, threads, plot, fromJson, noLinearise, problem, thetaGen }) command.Options.Add(o);
        command.SetSafeAction(console, parse =>
        {
            if (parse.GetValue(fromJson) is { } earlier)
            {
                var (savedMachine, savedRows) = ReadJson(earlier);
                if (parse.GetValue(plot) is { } savedPlot) WritePlot(console, savedPlot, savedMachine, savedRows);
                else console.Out.WriteLine($"{earlier}: {savedRows.Count} results ({savedMachine}); give --plot FILE.png to plot them");
                return 0;
            }
            var n = ParseList(parse.GetValue(events) is { Length: > 0 } ev ? ev : ["1e4,1e5,1e6"], "--events", 100);
            var nt = ParseList([parse.GetValue(theta) ?? "1,3"], "--theta", 1);
            var which = LikelihoodBackends.ParseList(parse.GetValue(backends) ?? "");
            if (which.Count == 0) throw new CliUsageException("--backends: name at least one backend.");
            int t = parse.GetValue(threads) is > 0 and var tv ? tv : Environment.ProcessorCount;
            bool q = parse.GetValue(quick);
            bool linearise = !parse.GetValue(noLinearise);
            var problemKind = ParseProblem(parse.GetValue(problem) ?? "asimov");
            double gen = parse.GetValue(thetaGen);
            if (!double.IsFinite(gen) || Math.Abs(gen) > 1) throw new CliUsageException($"--theta-gen: {gen} must lie in [-1, 1].");
            double peak = TrainingBenchmark.MeasurePeakGflops(t);
            // Roslyn's one-off JIT warm-up, timed on its own so compile_s is the uncached compile of each cell's source
            // (the CLI's fit commands overlap the warm-up with reading the data).
            double warmUp = which.Any(b => b is LikelihoodBackend.Codegen or LikelihoodBackend.CodegenAd)
                ? Codegen.NllCodeGenerator.WarmUp().GetAwaiter().GetResult() : 0;
            var rows = console.WithProgress("bench likelihood", p =>
                LikelihoodBenchmark.Run(n, nt, which, peak, t, repeats: q ? 3 : 5, fitRepeats: q ? 1 : 3, progress: p,
                    linearise: linearise, problem: problemKind, thetaGen: gen));
            string machine = MedianTimer.MachineLine();
            console.Out.WriteLine(machine);
            console.Out.WriteLine($"peak {peak:F1} GFLOP/s (float32 FMA, {t} threads)");
            console.Out.WriteLine($"codegen linearisation cache: {(linearise ? "on" : "off")}");
            console.Out.WriteLine(problemKind == LikelihoodProblem.Asimov
                ? $"problem: asimov (theta_gen = {gen:G4} for every parameter)"
                : "problem: unweighted (the original random-network problem)");
            if (warmUp > 0) console.Out.WriteLine($"Roslyn warm-up (first compile in the process, before the cells) {warmUp:F2} s");
            console.Out.WriteLine($"{"backend",-12} {"events",9} {"n_th",4} {"value ms",10} {"val+grad ms",11} {"fit ms",10} {"calls",6} {"compile s",9} {"cached s",8} {"%peak",6}");
            foreach (var r in rows)
                console.Out.WriteLine($"{r.Backend,-12} {r.Events,9} {r.NTheta,4} {r.ValueSeconds * 1e3,10:F3} {r.ValueGradSeconds * 1e3,11:F3} {r.FitSeconds * 1e3,10:F1} {r.FitCalls,6} {r.CompileSeconds,9:F2} {(double.IsFinite(r.CacheLoadSeconds) ? r.CacheLoadSeconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture) : "-"),8} {100 * r.PeakFraction,6:F1}");
            console.Out.WriteLine("fit minima (value ± HESSE error" + (problemKind == LikelihoodProblem.Asimov ? ", pull (value − theta_gen)/error)" : ")") + ":");
            foreach (var r in rows.Where(r => r.FitValues.Count > 0))
                console.Out.WriteLine($"  {r.Backend,-12} {r.Events,9} {r.NTheta,4}  " + string.Join("  ", r.FitValues.Select((v, k) =>
                    $"{v:F5} ± {r.FitErrors[k]:F5}" + (problemKind == LikelihoodProblem.Asimov ? $" ({(v - gen) / r.FitErrors[k]:+0.00;-0.00})" : "")))
                    + (double.IsFinite(r.FitFullPasses) ? $"  [cache: {r.FitLinearisations} linearisations, {r.FitFullPasses:F1} full passes]" : ""));
            if (parse.GetValue(json) is { } path) WriteJson(path, machine, peak, warmUp, rows, linearise, problemKind, gen);
            if (parse.GetValue(plot) is { } png) WritePlot(console, png, machine, rows);
            return 0;
        });
        return command;
    }

    static int[] ParseList(IEnumerable<string> tokens, string option, int minimum)
    {
        var values = new List<int>();
        foreach (var part in tokens.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v != Math.Floor(v) || v < minimum || v > int.MaxValue)
                throw new CliUsageException($"{option}: '{part}' is not an integer >= {minimum}.");
            values.Add((int)v);
        }
        if (values.Count == 0) throw new CliUsageException($"{option}: give at least one value.");
        return values.Distinct().ToArray();
    }

    static void WritePlot(CliConsole console, string path, string machine, IReadOnlyList<LikelihoodBenchmarkRow> rows)
    {
        Plots.Save(path, LikelihoodBenchmarkPlot.Render(machine, rows));
        console.Out.WriteLine($"plot: {path}");
    }

    /// <summary>Reads the machine line and the rows of a <c>--json</c> file.</summary>
    internal static (string Machine, IReadOnlyList<LikelihoodBenchmarkRow> Rows) ReadJson(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            var rows = root.GetProperty("results").EnumerateArray().Select(r => new LikelihoodBenchmarkRow(
                r.GetProperty("backend").GetString() ?? "", r.GetProperty("events").GetInt32(), r.GetProperty("n_theta").GetInt32(),
                r.GetProperty("value_s").GetDouble(), r.GetProperty("value_grad_s").GetDouble(), r.GetProperty("fit_s").GetDouble(),
                r.GetProperty("fit_calls").GetInt32(), r.GetProperty("compile_s").GetDouble(),
                r.TryGetProperty("setup_s", out var setup) ? setup.GetDouble() : 0,
                r.TryGetProperty("peak_fraction", out var fraction) ? fraction.GetDouble() : double.NaN)
            {
                CacheLoadSeconds = r.TryGetProperty("cache_load_s", out var load) && load.GetDouble() > 0 ? load.GetDouble() : double.NaN,
            }).ToArray();
            if (rows.Length == 0) throw new CliUsageException($"--from-json {path}: the file has no results.");
            return (root.GetProperty("machine").GetString() ?? "", rows);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CliUsageException($"--from-json {path}: not a 'sbifit bench likelihood --json' file ({e.Message}).");
        }
    }

    /// <summary>The problem's name on the command line and in the JSON file.</summary>
    static string ProblemName(LikelihoodProblem problem) => problem.ToString().ToLowerInvariant();

    static LikelihoodProblem ParseProblem(string name) =>
        Enum.GetValues<LikelihoodProblem>().Where(p => ProblemName(p) == name.Trim().ToLowerInvariant()).Cast<LikelihoodProblem?>().FirstOrDefault()
        ?? throw new CliUsageException($"--problem: '{name}' is not a problem ({string.Join(", ", Enum.GetValues<LikelihoodProblem>().Select(ProblemName))}).");

    static void WriteJson(string path, string machine, double peak, double warmUp, IReadOnlyList<LikelihoodBenchmarkRow> rows, bool linearise,
        LikelihoodProblem problem, double thetaGen)
    {
        var doc = new Dictionary<string, object>
        {
            ["machine"] = machine,
            ["peak_gflops"] = peak,
            ["roslyn_warmup_s"] = warmUp,
            ["linearise"] = linearise,
            ["problem"] = ProblemName(problem),
            ["theta_gen"] = problem == LikelihoodProblem.Asimov ? thetaGen : 0.0,
            ["results"] = rows.Select(r => new Dictionary<string, object>
            {
                ["backend"] = r.Backend, ["events"] = r.Events, ["n_theta"] = r.NTheta,
                ["value_s"] = r.ValueSeconds, ["value_grad_s"] = r.ValueGradSeconds, ["fit_s"] = r.FitSeconds,
                ["fit_calls"] = r.FitCalls, ["compile_s"] = r.CompileSeconds,
                ["setup_s"] = r.SetupSeconds, ["peak_fraction"] = double.IsFinite(r.PeakFraction) ? r.PeakFraction : 0.0,
                ["fit_values"] = r.FitValues, ["fit_errors"] = r.FitErrors,
                ["fit_full_passes"] = double.IsFinite(r.FitFullPasses) ? r.FitFullPasses : -1.0, ["fit_linearisations"] = r.FitLinearisations,
                ["cache_load_s"] = double.IsFinite(r.CacheLoadSeconds) ? r.CacheLoadSeconds : 0.0,
            }).ToArray(),
        };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
    }
}
