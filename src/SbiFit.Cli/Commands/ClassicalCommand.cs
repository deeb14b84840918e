using System.CommandLine;
using SbiFit.Data;
using SbiFit.Inference.Templates;

namespace SbiFit.Cli.Commands;

/// <summary>
/// <c>sbifit classical</c>: the binned template fit (HistFactory/pyhf + HAMMER role) on a training sample with w_* columns,
/// fitted to observed data or to an Asimov point; prints the Minuit table, optionally writes JSON and a pyhf workspace.
/// </summary>
internal static class ClassicalCommand
{
    public static Command Create(CliConsole console)
    {
        var train = new Option<string>("--train") { HelpName = "FILE", Description = "Training sample (.parquet/.csv) with the observables and the w_re_ij/w_im_ij columns." };
        var data = new Option<string>("--data") { HelpName = "FILE", Description = "Data sample: observed events, or with --asimov the test sample reweighted to the Asimov point (needs w_* columns)." };
        var poi = new Option<string[]>("--poi") { HelpName = "NAME", Description = "Parameter of interest (V_R, S_L, Im(V_R), ...); repeat or comma-separate.", AllowMultipleArgumentsPerToken = false };
        var asimov = new Option<string>("--asimov") { HelpName = "NAME=VALUE[,...]", Description = "Asimov point, e.g. V_R=0.3 (without --data: the templates' own expectation)." };
        var bins = new Option<string>("--bins") { HelpName = "SPEC", Description = "Binning spec: default (4x5x5x5x5), quantile, or e.g. q2:4,cos_theta_l:5,m2_miss:-2,0,2,6." };
        var mcStat = new Option<bool>("--mc-stat") { Description = "Barlow-Beeston-lite MC-stat nuisances (pyhf staterror)." };
        var norm = new Option<double?>("--norm-uncertainty") { HelpName = "SIGMA", Description = "Relative normalisation uncertainty (adds mu_norm with a Gaussian constraint); inf: free." };
        var minos = new Option<bool>("--minos") { Description = "Run MINOS for the POIs." };
        var json = new Option<string>("--json") { HelpName = "FILE", Description = "Write the fit result as JSON (same keys as the SBI fit)." };
        var pyhf = new Option<string>("--export-pyhf") { HelpName = "FILE", Description = "Write the pyhf workspace (SM templates + observed counts), validated against the schema." };

        var command = new Command("classical", "Classical binned template fit (pyhf/HistFactory-style, HAMMER templates) of Wilson coefficients.");
        foreach (var o in new Option[] { train, data, poi, asimov, bins, mcStat, norm, minos, json, pyhf }) command.Options.Add(o);
        command.SetSafeAction(console, parse =>
        {
            var trainPath = parse.GetValue(train) ?? throw new CliUsageException("--train FILE is required.");
            var dataPath = parse.GetValue(data);
            var asimovSpec = parse.GetValue(asimov);
            if (dataPath is null && asimovSpec is null)
                throw new CliUsageException("give --data FILE (observed or Asimov test sample) or --asimov POINT (template Asimov).");
            var pois = (parse.GetValue(poi) ?? Array.Empty<string>())
                .SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
            if (pois.Length == 0) throw new CliUsageException("--poi is required (e.g. --poi V_R).");
            var options = new ClassicalFitOptions(parse.GetValue(bins), parse.GetValue(mcStat), parse.GetValue(norm), parse.GetValue(minos));
            // Bad binning, columns, POIs or samples raise TemplateException: CommandRunner maps it to exit code 2.
            var point = asimovSpec is null ? null : ClassicalData.ParsePoint(asimovSpec);
            var training = EventTableIO.Read(trainPath);
            var source = (dataPath, point) switch
            {
                (null, { } p) => ClassicalData.AsimovTemplates(p),
                ({ } d, null) => ClassicalData.Observed(EventTableIO.Read(d)),
                ({ } d, { } p) => ClassicalData.AsimovSample(EventTableIO.Read(d), p),
                _ => throw new CliUsageException("no data source."),
            };
            var fit = console.WithProgress("classical fit: building templates", progress =>
            {
                var f = ClassicalFit.Create(training, source, pois, options);
                progress.Report(1.0);
                return f;
            });
            var result = fit.Fit();
            console.Out.WriteLine(result.ToString());
            if (parse.GetValue(json) is { } jsonPath)
            {
                AtomicFile.WriteAllText(jsonPath, result.ToJson());
                console.Out.WriteLine($"wrote {jsonPath}");
            }
            if (parse.GetValue(pyhf) is { } wsPath)
            {
                fit.ExportPyhf(wsPath);
                console.Out.WriteLine($"wrote {wsPath} (pyhf workspace, schema 1.0.0: valid)");
            }
            return 0;
        });
        return command;
    }
}
