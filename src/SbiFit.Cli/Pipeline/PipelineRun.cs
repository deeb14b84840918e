using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using SbiFit.Cli.Bench;
using SbiFit.Data;

namespace SbiFit.Cli.Pipeline;

/// <summary>
/// Runs the whole pipeline for a validated config: cached steps (<see cref="PipelineRunner"/>), then <c>results.json</c>
/// (atomic) and, when enabled, <c>report.html</c>. The report and results are rebuilt on every run (about a second)
/// because they show this run's timings.
/// </summary>
public static class PipelineRun
{
    /// <summary>Results file name.</summary>
    public const string ResultsFile = "results.json";

    /// <summary>Report file name.</summary>
    public const string ReportFile = "report.html";

    /// <summary>Executes the pipeline in <see cref="PipelineConfig.Out"/> and returns the results JSON tree.</summary>
    public static JsonObject Execute(PipelineConfig config, CliConsole console, bool force, ISampleSimulation? simulation = null)
    {
        PipelineConfigValidator.Validate(config); // nothing is written before the config is known to be good
        var total = Stopwatch.StartNew();
        var runner = new PipelineRunner(config.Out, console, force);
        AtomicFile.WriteAllText(Path.Combine(runner.RunDirectory, "config.json"), PipelineConfigLoader.ToJson(config));
        var outcomes = runner.Run(PipelineDefinition.Build(config, simulation)).ToList();
        var results = BuildResults(config, runner.RunDirectory, outcomes);
        if (config.Report.Enabled)
        {
            var sw = Stopwatch.StartNew();
            console.WithProgress("Report", _ => PipelineReport.Build(config, runner.RunDirectory, results).Save(Path.Combine(runner.RunDirectory, ReportFile)));
            outcomes.Add(new StepOutcome("report", "Report (report.html)", StepStatus.Ran, sw.Elapsed.TotalSeconds, sw.Elapsed.TotalSeconds, null));
            results["steps"] = StepsNode(outcomes);
            results["timings"]!["report_seconds"] = sw.Elapsed.TotalSeconds;
        }
        results["timings"]!["total_seconds"] = total.Elapsed.TotalSeconds;
        AtomicFile.WriteAllText(Path.Combine(runner.RunDirectory, ResultsFile), results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        runner.PrintSummary(outcomes);
        console.Out.WriteLine($"results: {Path.Combine(runner.RunDirectory, ResultsFile)}");
        if (config.Report.Enabled) console.Out.WriteLine($"report:  {Path.Combine(runner.RunDirectory, ReportFile)}");
        return results;
    }

    private static JsonNode? ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, PipelineConfigLoader.JsonOptions);

    private static JsonArray StepsNode(IEnumerable<StepOutcome> outcomes) => new(outcomes.Select(o => (JsonNode)new JsonObject
    {
        ["name"] = o.Name, ["title"] = o.Title,
        ["status"] = o.Status switch { StepStatus.Ran => "ran", StepStatus.Skipped => "skipped", _ => "off" },
        ["skipped"] = o.Status == StepStatus.Skipped, ["seconds"] = o.Seconds, ["last_run_seconds"] = o.LastRunSeconds, ["note"] = o.Note,
    }).ToArray());

    private static JsonObject BuildResults(PipelineConfig config, string runDir, IReadOnlyList<StepOutcome> outcomes)
    {
        var series = PipelineDefinition.LoadSeries(runDir);
        var rows = Comparison.Build(series);
        var fits = new JsonObject();
        foreach (var s in series) fits[s.Likelihood] = ToNode(s);
        var timings = new JsonObject();
        foreach (var o in outcomes.Where(o => o.Status != StepStatus.Unavailable)) timings[o.Name + "_seconds"] = o.LastRunSeconds;
        string timingPath = Path.Combine(runDir, PipelineDefinition.TimingFile);
        timings["backends"] = File.Exists(timingPath) ? ToNode(BackendTimingTable.Load(timingPath)) : null;
        return new JsonObject
        {
            ["config"] = ToNode(config),
            ["run_directory"] = runDir,
            ["steps"] = StepsNode(outcomes),
            ["unavailable"] = new JsonArray(outcomes.Where(o => o.Status == StepStatus.Unavailable)
                .Select(o => (JsonNode)new JsonObject { ["step"] = o.Name, ["reason"] = o.Note }).ToArray()),
            ["samples"] = new JsonObject { ["train"] = SampleInfo(Path.Combine(runDir, PipelineDefinition.TrainFile)), ["test"] = SampleInfo(Path.Combine(runDir, PipelineDefinition.TestFile)) },
            ["fits"] = fits,
            ["comparison"] = ToNode(rows),
            ["sigma_ratios"] = Comparison.SigmaRatios(rows),
            ["timings"] = timings,
            ["toys"] = ToNode(ToySteps.Load(runDir)),
            ["versions"] = new JsonObject
            {
                ["sbifit"] = typeof(PipelineRun).Assembly.GetName().Version?.ToString(),
                ["dotnet"] = RuntimeInformation.FrameworkDescription,
                ["os"] = RuntimeInformation.OSDescription,
                ["machine"] = MedianTimer.MachineLine(),
            },
            ["seeds"] = new JsonObject
            {
                ["seed"] = config.Seed,
                ["train_generator_seed"] = config.Seed,
                ["test_generator_seed"] = config.Seed + PipelineConfig.TestSeedOffset,
                ["toy_seed"] = config.Fit.ToySeed,
            },
        };
    }

    private static JsonNode? SampleInfo(string path)
    {
        if (!File.Exists(path)) return null;
        var t = EventTableIO.Read(path, new EventReadOptions { Columns = new[] { EventSchema.EventId } });
        static double? Meta(EventTable t, string key) =>
            t.Metadata.TryGetValue(key, out var v) && double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : null;
        return new JsonObject
        {
            ["file"] = Path.GetFileName(path), ["events"] = t.RowCount,
            ["generated"] = Meta(t, "generated"), ["efficiency"] = Meta(t, "efficiency"),
        };
    }
}
