using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SbiFit.Data;
using SbiFit.Inference.Likelihood;
using SbiFit.Reporting;

namespace SbiFit.Cli.Pipeline;

/// <summary>Assembles the self-contained <c>report.html</c> from the run folder and the results tree.</summary>
internal static class PipelineReport
{
    private static string F(double? v, string format = "G4") => v is { } x && double.IsFinite(x) ? x.ToString(format, CultureInfo.InvariantCulture) : "-";

    public static HtmlReport Build(PipelineConfig config, string runDir, JsonObject results)
    {
        var report = new HtmlReport("SbiFit pipeline report");
        var series = PipelineDefinition.LoadSeries(runDir);
        report.Paragraph($"Run folder: {runDir}. B0 -> D*- mu+ nu, fit parameters: " +
                         string.Join(", ", config.Wilson.Parameters.Select(p => $"{p.Name} in [{p.Lo}, {p.Hi}]")) +
                         $"; {config.Events.Train:N0} training and {config.Events.Test:N0} test events generated; seed {config.Seed}.");
        AddResults(report, Comparison.Build(series));

        report.Section("Steps");
        report.Table(new[] { "Step", "Status", "Seconds (this run)", "Seconds (last run)", "Note" },
            results["steps"]!.AsArray().Select(s => (IReadOnlyList<string>)new[]
            {
                (string)s!["title"]!, (string)s["status"]!, F((double?)s["seconds"], "F1"), F((double?)s["last_run_seconds"], "F1"), (string?)s["note"] ?? "",
            }));

        AddFeatures(report, config, Path.Combine(runDir, PipelineDefinition.TestFile));

        report.Section("Training curves");
        string loss = Path.Combine(runDir, PipelineDefinition.LossPngFile);
        if (File.Exists(loss)) report.Image(File.ReadAllBytes(loss), "Weighted binary cross-entropy per epoch (training and validation split)");
        else report.Paragraph("No trained model in this run.");
        report.Section("Learned-ratio diagnostics");
        var diagnostics = PipelineSteps.DiagnosticImages(Path.Combine(runDir, PipelineDefinition.DiagnosticsDir));
        if (diagnostics.Count == 0) report.Paragraph("No diagnostics in this run.");
        foreach (var (file, caption) in diagnostics)
            report.Image(File.ReadAllBytes(Path.Combine(runDir, PipelineDefinition.DiagnosticsDir, file)), caption);

        AddCurves(report, config, series);

        AddToys(report, runDir);
        AddTiming(report, Path.Combine(runDir, PipelineDefinition.TimingFile));

        report.Section("Configuration");
        report.Collapsible("Full configuration of this run (JSON; every key can be set in a `sbifit run` file)", PipelineConfigLoader.ToJson(config));

        report.Section("Versions and seeds");
        report.Table(new[] { "Key", "Value" },
            results["versions"]!.AsObject().Concat(results["seeds"]!.AsObject())
                .Select(kv => (IReadOnlyList<string>)new[] { kv.Key, kv.Value?.ToJsonString(new JsonSerializerOptions()).Trim('"') ?? "" }));
        return report;
    }

    private static void AddFeatures(HtmlReport report, PipelineConfig config, string testPath)
    {
        report.Section("Feature distributions (test sample, SM and NP reweighted)");
        if (!File.Exists(testPath)) { report.Paragraph("Test sample missing."); return; }
        var sample = SampleColumns.Read(testPath);
        var ranges = config.Wilson.Parameters;
        var map = new WilsonParameterMap(ranges.Select(r => r.Name).ToArray());
        // NP point: the theta_gen point farthest from the SM (fallback: the upper ends of the ranges).
        double[] np = config.Fit.ThetaGen.OrderByDescending(t => t.Sum(v => v * v)).FirstOrDefault(t => t.Any(v => v != 0))
                      ?? ranges.Select(r => r.Hi).ToArray();
        double[] wNp = sample.Weights(map.ToC(np));
        string npLabel = "NP " + string.Join(", ", ranges.Select((r, k) => $"{r.Name}={np[k]:G3}"));
        foreach (var feature in EventSchema.Features)
        {
            var x = sample.Table.GetColumn(feature);
            if (x.Length == 0 || x.Min() == x.Max()) continue; // constant column (e.g. m2_miss when truth-only)
            report.Image(Plots.HistogramOverlay(feature, feature, new (string, double[], double[]?)[] { ("SM", x, null), (npLabel, x, wNp) }, bins: 40),
                $"{feature}: SM and {npLabel} (weights r(x) from the W columns)");
        }
    }

    private static void AddCurves(HtmlReport report, PipelineConfig config, IReadOnlyList<AsimovSeries> series)
    {
        report.Section("Asimov NLL curves");
        if (series.Count == 0) { report.Paragraph("No Asimov series in this run."); return; }
        report.SubHeading("SBI, classical and oracle at each theta_gen");
        for (int i = 0; i < config.Fit.ThetaGen.Length; i++)
            for (int k = 0; k < config.Wilson.Parameters.Length; k++)
                if (Comparison.CurvesPlot(series, i, k) is { } png)
                    report.Image(png, $"Δ(2 NLL) of {config.Wilson.Parameters[k].Name} at theta_gen point {i + 1}: every likelihood, zero at its minimum");
        foreach (var s in series)
        {
            report.SubHeading($"{s.Likelihood}: {s.Description}");
            for (int k = 0; k < config.Wilson.Parameters.Length; k++)
            {
                var curves = s.Points.Select(p => (Label: $"theta_gen = {p.ThetaGen[k]:G3}", X: p.Scans[k].X, Y: p.Scans[k].Delta2Nll))
                    .Select(c => { var ok = c.Y.Select(double.IsFinite).ToArray(); return (c.Label, c.X.Where((_, i) => ok[i]).ToArray(), c.Y.Where((_, i) => ok[i]).ToArray()); })
                    .Where(c => c.Item2.Length > 1).ToArray();
                if (curves.Length == 0) continue;
                string name = s.Points[0].Parameters[k];
                report.Image(Plots.Lines($"{s.Likelihood}: profile of {name}", name, "Δ(2 NLL)", curves, new[] { 1.0, 4.0 }),
                    $"{s.Likelihood} Asimov Δ(2 NLL) profiles of {name} for each theta_gen");
            }
        }
    }

    private static void AddResults(HtmlReport report, IReadOnlyList<ComparisonRow> rows)
    {
        report.Section("Results (Asimov fits)");
        report.Paragraph("σ ratios = HESSE error / the oracle's or the classical fit's HESSE error at the same theta_gen.");
        report.Table(new[] { "Likelihood", "Parameter", "θ_gen", "θ_min", "σ HESSE", "MINOS −", "MINOS +", "σ / σ_oracle", "σ / σ_classical" },
            rows.Select(r => (IReadOnlyList<string>)new[]
            {
                r.Likelihood, r.Parameter, F(r.ThetaGen), F(r.ThetaMin, "F4"), F(r.HesseError, "F4"), F(r.MinosLower, "F4"), F(r.MinosUpper, "F4"), F(r.SigmaRatioToOracle, "F3"), F(r.SigmaRatioToClassical, "F3"),
            }));
    }

    private static void AddTiming(HtmlReport report, string path)
    {
        report.Section("Backend timing");
        if (!File.Exists(path)) { report.Paragraph("No backend timing in this run."); return; }
        var t = BackendTimingTable.Load(path);
        report.Paragraph($"SBI NLL of the test sample ({t.Events:N0} events, Asimov weights at θ_gen = {string.Join(", ", t.ThetaGen.Select(v => F(v)))}); " +
                         "median wall times. Value+gradient: AD for codegen-ad, 2·n_θ+1 values (MINUIT's central differences) for the others.");
        report.Table(new[] { "Backend", "Value [ms]", "Value+gradient [ms]", "MIGRAD+HESSE [ms]", "Calls", "Compile [s]", "Setup [s]" },
            t.Rows.Select(r => (IReadOnlyList<string>)new[]
            {
                r.Backend, F(r.ValueSeconds * 1e3, "F3"), F(r.ValueGradSeconds * 1e3, "F3"), F(r.FitSeconds * 1e3, "F1"),
                r.FitCalls.ToString(CultureInfo.InvariantCulture), F(r.CompileSeconds, "F2"), F(r.SetupSeconds, "F2"),
            }));
    }

    private static void AddToys(HtmlReport report, string runDir)
    {
        var toys = ToySteps.Load(runDir);
        if (toys is null) return; // fit.toys = 0: Asimov only
        report.Section("Pseudo-experiments");
        report.Paragraph("Poisson-bootstrap toys of the test sample at θ_gen; pull = (θ_min − θ_gen)/σ_HESSE, coverage of the 68 % interval.");
        report.Table(new[] { "Likelihood", "θ_gen", "Toys (valid)", "Pull mean", "Pull width", "Coverage" },
            toys.Select(t => (IReadOnlyList<string>)new[]
            {
                t.Likelihood, string.Join(", ", t.ThetaGen.Select(v => F(v))), $"{t.Summary.Toys} ({t.Summary.ValidToys})",
                $"{F(t.Summary.PullMean, "F3")} ± {F(t.Summary.PullMeanError, "F3")}", $"{F(t.Summary.PullWidth, "F3")} ± {F(t.Summary.PullWidthError, "F3")}",
                $"{F(t.Summary.Coverage, "F3")} ± {F(t.Summary.CoverageError, "F3")}",
            }));
    }
}
