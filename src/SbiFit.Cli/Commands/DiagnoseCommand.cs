using System.CommandLine;
using System.Globalization;
using SbiFit.Data;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit diagnose</c>: the seed's "probing the learned likelihood ratio" plus ROC, calibration and per-event checks.</summary>
internal static class DiagnoseCommand
{
    public static Command Build(CliConsole console)
    {
        var model = new Option<string>("--model") { Description = "ONNX model with Wilson-coefficient theta names", Required = true };
        var data = new Option<string>("--data") { Description = "Parquet/CSV with the model's features and w_re_ij/w_im_ij columns", Required = true };
        var wc = new Option<string[]>("--wc") { Description = "theta point NAME=VALUE[,NAME=VALUE] (repeatable), e.g. V_R=0.5", Required = true };
        var output = new Option<string>("--out") { Description = "output directory", Required = true };
        var bins = new Option<int>("--bins") { DefaultValueFactory = _ => 20 };
        var command = new Command("diagnose", "Compare the learned likelihood ratio with the exact one: marginal ratios, ROC/AUC, calibration, per-event scatter.");
        foreach (var o in new Option[] { model, data, wc, output, bins }) command.Options.Add(o);
        command.SetSafeAction(console, parse =>
        {
            if (parse.GetValue(bins) < 2) throw new CliUsageException("--bins must be at least 2.");
            string dataPath = parse.GetValue(data)!, dir = parse.GetValue(output)!;
            string modelPath = parse.GetValue(model)!;
            var table = EventTableIO.Read(dataPath);
            var results = console.WithProgress("diagnose", p =>
                DiagnosticsOutputs.Probe(modelPath, table, dataPath, names => parse.GetValue(wc)!.Select(t => ParsePoint(t, names)).ToArray(), parse.GetValue(bins)));
            DiagnosticsOutputs.Write(dir, results, modelPath, dataPath);
            foreach (var r in results)
                console.Out.WriteLine(FormattableString.Invariant($"{r.Label}: AUC {r.Roc.Auc:F4}, per-event log-ratio correlation {r.Correlation:F4}"));
            console.Out.WriteLine($"diagnostics written to {dir}");
            return 0;
        });
        return command;
    }

    private static double[] ParsePoint(string text, IReadOnlyList<string> thetaNames)
    {
        var theta = new double[thetaNames.Count];
        foreach (var token in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = token.Split('=');
            int k = kv.Length == 2 ? IndexOf(thetaNames, kv[0].Trim()) : -1;
            if (kv.Length != 2 || k < 0 || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out theta[k]))
                throw new CliUsageException($"--wc '{text}': expected NAME=VALUE with NAME one of the model's theta names ({string.Join(", ", thetaNames)}).");
        }
        return theta;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int k = 0; k < names.Count; k++) if (string.Equals(names[k], name, StringComparison.OrdinalIgnoreCase)) return k;
        return -1;
    }
}
