using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SbiFit.Cli.Bench;
using SbiFit.Codegen.Backends;
using SbiFit.Data;
using SbiFit.Learning;

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
        var command = new Command("likelihood", "Time NLL value, value+gradient and MIGRAD+HESSE fits for runtime, interpreted, codegen and codegen-ad.");
        foreach (var o in new Option[] { events, theta, json, backends, quick, threads }) command.Options.Add(o);
        command.SetSafeAction(console, parse =>
        {
            var n = ParseList(parse.GetValue(events) is { Length: > 0 } ev ? ev : ["1e4,1e5,1e6"], "--events", 100);
            var nt = ParseList([parse.GetValue(theta) ?? "1,3"], "--theta", 1);
            var which = LikelihoodBackends.ParseList(parse.GetValue(backends) ?? "");
            if (which.Count == 0) throw new CliUsageException("--backends: name at least one backend.");
            int t = parse.GetValue(threads) is > 0 and var tv ? tv : Environment.ProcessorCount;
            bool q = parse.GetValue(quick);
            double peak = TrainingBenchmark.MeasurePeakGflops(t);
            var rows = console.WithProgress("bench likelihood", p =>
                LikelihoodBenchmark.Run(n, nt, which, peak, t, repeats: q ? 3 : 5, fitRepeats: q ? 1 : 3, progress: p));
            string machine = MedianTimer.MachineLine();
            console.Out.WriteLine(machine);
            console.Out.WriteLine($"peak {peak:F1} GFLOP/s (float32 FMA, {t} threads)");
            console.Out.WriteLine($"{"backend",-12} {"events",9} {"n_th",4} {"value ms",10} {"val+grad ms",11} {"fit ms",10} {"calls",6} {"compile s",9} {"%peak",6}");
            foreach (var r in rows)
                console.Out.WriteLine($"{r.Backend,-12} {r.Events,9} {r.NTheta,4} {r.ValueSeconds * 1e3,10:F3} {r.ValueGradSeconds * 1e3,11:F3} {r.FitSeconds * 1e3,10:F1} {r.FitCalls,6} {r.CompileSeconds,9:F2} {100 * r.PeakFraction,6:F1}");
            if (parse.GetValue(json) is { } path) WriteJson(path, machine, peak, rows);
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

    static void WriteJson(string path, string machine, double peak, IReadOnlyList<LikelihoodBenchmarkRow> rows)
    {
        var doc = new Dictionary<string, object>
        {
            ["machine"] = machine,
            ["peak_gflops"] = peak,
            ["results"] = rows.Select(r => new Dictionary<string, object>
            {
                ["backend"] = r.Backend, ["events"] = r.Events, ["n_theta"] = r.NTheta,
                ["value_s"] = r.ValueSeconds, ["value_grad_s"] = r.ValueGradSeconds, ["fit_s"] = r.FitSeconds,
                ["fit_calls"] = r.FitCalls, ["compile_s"] = r.CompileSeconds,
                ["setup_s"] = r.SetupSeconds, ["peak_fraction"] = double.IsFinite(r.PeakFraction) ? r.PeakFraction : 0.0,
            }).ToArray(),
        };
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
    }
}
