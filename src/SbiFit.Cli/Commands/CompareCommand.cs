using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SbiFit.Cli.Pipeline;
using SbiFit.Data;
using SbiFit.Reporting;

namespace SbiFit.Cli.Commands;

/// <summary>
/// <c>sbifit compare</c>: the SBI, classical and truth-level oracle Asimov series on the same test sample (the pipeline's
/// step functions), one NLL plot per theta_gen, the results table and the σ ratios.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(CliConsole console)
    {
        var train = new Option<string>("--train") { Description = "Training sample (builds the templates; its w_* columns give the SBI rate form).", Required = true };
        var test = new Option<string>("--test") { Description = "Test sample, weighted at each theta_gen and fitted by every likelihood.", Required = true };
        var model = new Option<string>("--model") { Description = "ONNX theory-aware classifier whose theta inputs are the POI names.", Required = true };
        var thetaGen = new Option<string>("--theta-gen") { Description = "Generated points, comma-separated; with several POIs join values with ':' in --poi order.", Required = true };
        var poi = new Option<string[]>("--poi") { Description = "Parameter of interest (repeatable).", DefaultValueFactory = _ => ["V_R"] };
        var backend = new Option<string>("--backend") { Description = "SBI NLL backend: interpreted, runtime, codegen or codegen-ad.", DefaultValueFactory = _ => "interpreted" };
        var bins = new Option<string>("--bins") { Description = "Classical binning spec (default, quantile or explicit, e.g. q2:6,cos_theta_l:6).", DefaultValueFactory = _ => "default" };
        var range = new Option<string>("--range") { Description = "Scan range LO:HI of every POI.", DefaultValueFactory = _ => "-1:1" };
        var scanPoints = new Option<int>("--scan-points") { Description = "Points per NLL scan.", DefaultValueFactory = _ => 41 };
        var noMinos = new Option<bool>("--no-minos") { Description = "Skip MINOS." };
        var output = new Option<string>("--out") { Description = "Output folder.", DefaultValueFactory = _ => "compare" };
        var command = new Command("compare", "SBI vs classical vs oracle Asimov fits on one test sample: NLL curves per theta_gen, theta_min/HESSE/MINOS table, sigma ratios.");
        foreach (var o in new Option[] { train, test, model, thetaGen, poi, backend, bins, range, scanPoints, noMinos, output }) command.Options.Add(o);
        command.SetSafeAction(console, parse =>
        {
            var pois = parse.GetValue(poi)!;
            var (lo, hi) = LikelihoodFactory.ParseRange(parse.GetValue(range)!, "--range");
            if (parse.GetValue(scanPoints) < 3) throw new CliUsageException("--scan-points must be at least 3");
            var config = new PipelineConfig
            {
                Wilson = new WilsonSection { Parameters = pois.Select(p => new WilsonRange { Name = p, Lo = lo, Hi = hi }).ToArray() },
                Fit = new FitSection
                {
                    Backend = parse.GetValue(backend)!, ThetaGen = LikelihoodFactory.ParsePoints(parse.GetValue(thetaGen)!, pois.Length, "--theta-gen").ToArray(),
                    ScanPoints = parse.GetValue(scanPoints), Minos = !parse.GetValue(noMinos),
                },
                Classical = new ClassicalSection { Bins = parse.GetValue(bins)! },
            };
            string trainPath = parse.GetValue(train)!, testPath = parse.GetValue(test)!, modelPath = parse.GetValue(model)!, dir = parse.GetValue(output)!;
            var trainTable = EventTableIO.Read(trainPath);
            var testTable = EventTableIO.Read(testPath);
            var series = Run(config, trainTable, testTable, testPath, modelPath, console);
            Directory.CreateDirectory(dir);
            foreach (var s in series) s.Save(Path.Combine(dir, $"asimov_{s.Likelihood}.json"));
            var rows = Comparison.Build(series);
            Comparison.WriteCsv(rows, Path.Combine(dir, "comparison.csv"));
            var json = new JsonObject
            {
                ["train"] = trainPath, ["test"] = testPath, ["model"] = modelPath, ["backend"] = config.Fit.Backend,
                ["fits"] = JsonSerializer.SerializeToNode(series, PipelineConfigLoader.JsonOptions),
                ["comparison"] = JsonSerializer.SerializeToNode(rows, PipelineConfigLoader.JsonOptions),
                ["sigma_ratios"] = Comparison.SigmaRatios(rows),
            };
            AtomicFile.WriteAllText(Path.Combine(dir, "comparison.json"), json.ToJsonString(PipelineConfigLoader.JsonOptions));
            for (int i = 0; i < config.Fit.ThetaGen.Length; i++)
                for (int k = 0; k < pois.Length; k++)
                    if (Comparison.CurvesPlot(series, i, k) is { } png)
                        Plots.Save(Path.Combine(dir, FormattableString.Invariant($"nll_{pois[k]}_{config.Fit.ThetaGen[i][k]:G4}.png")), png);
            console.Out.Write(Comparison.Text(rows));
            foreach (var r in rows.Where(r => r.Likelihood == "sbi"))
                console.Out.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0} = {1:G4}: sigma_SBI/sigma_classical = {2}, sigma_SBI/sigma_oracle = {3}",
                    r.Parameter, r.ThetaGen, r.SigmaRatioToClassical?.ToString("F3", CultureInfo.InvariantCulture) ?? "-",
                    r.SigmaRatioToOracle?.ToString("F3", CultureInfo.InvariantCulture) ?? "-"));
            console.Out.WriteLine($"wrote comparison.csv, comparison.json, asimov_*.json and nll_*.png to {dir}");
            return 0;
        });
        return command;
    }

    /// <summary>The three Asimov series (sbi, classical, oracle) with the pipeline's step functions.</summary>
    private static AsimovSeries[] Run(PipelineConfig config, EventTable train, EventTable test, string testPath, string modelPath, CliConsole console) =>
    [
        console.WithProgress("SBI Asimov fits", p => AsimovSteps.Sbi(train, test, modelPath, config.Fit.Backend, config, p)),
        console.WithProgress("classical Asimov fits", p => AsimovSteps.Classical(train, test, config, p)),
        console.WithProgress("oracle Asimov fits", p => AsimovSteps.Oracle(SampleColumns.Read(testPath), config, p)),
    ];
}
