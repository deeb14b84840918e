using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SbiFit.Data;
using SbiFit.Learning.Diagnostics;
using SbiFit.Reporting;

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
            using var inputs = ModelInputs.Open(parse.GetValue(model)!, "interpreted");
            var net = inputs.Model;
            var points = parse.GetValue(wc)!.Select(t => ParsePoint(t, net.ThetaNames)).ToArray();
            var table = EventTableIO.Read(dataPath);
            var (x, _) = ModelInputs.Gather(WithZeroTheta(table, net.ThetaNames), net, dataPath);
            var results = console.WithProgress("diagnose", p => LearnedRatioProbe.Run(net, table, x, points, parse.GetValue(bins)));
            Directory.CreateDirectory(dir);
            var summary = new List<Dictionary<string, object>>();
            foreach (var r in results)
            {
                string tag = Tag(r.Label);
                foreach (var m in r.Marginals) WriteMarginal(dir, tag, r.Label, m);
                Csv(Path.Combine(dir, $"roc_{tag}.csv"), "fpr,tpr", r.Roc.FalsePositiveRate, r.Roc.TruePositiveRate);
                Plots.Save(Path.Combine(dir, $"roc_{tag}.png"), Plots.Lines($"ROC at {r.Label} (AUC {r.Roc.Auc:F4})", "false positive rate (SM)",
                    "true positive rate (NP)", [("learned", r.Roc.FalsePositiveRate, r.Roc.TruePositiveRate), ("random", [0.0, 1.0], [0.0, 1.0])]));
                Csv(Path.Combine(dir, $"calibration_{tag}.csv"), "mean_predicted,observed_fraction,bin_weight",
                    r.Calibration.MeanPredicted, r.Calibration.ObservedFraction, r.Calibration.BinWeight);
                Plots.Save(Path.Combine(dir, $"calibration_{tag}.png"), Plots.Lines($"Calibration at {r.Label}", "mean predicted s", "observed NP fraction",
                    [("learned", r.Calibration.MeanPredicted, r.Calibration.ObservedFraction), ("ideal", [0.0, 1.0], [0.0, 1.0])]));
                Csv(Path.Combine(dir, $"logratio_{tag}.csv"), "exact_log_ratio,learned_log_ratio", r.ExactLogRatio, r.LearnedLogRatio);
                Plots.Save(Path.Combine(dir, $"logratio_{tag}.png"), Plots.Scatter($"Per-event log-ratio at {r.Label} (Pearson {r.Correlation:F4})",
                    "exact log r", "learned log r", r.ExactLogRatio, r.LearnedLogRatio));
                summary.Add(new() { ["theta"] = r.Label, ["auc"] = r.Roc.Auc, ["correlation"] = r.Correlation });
                console.Out.WriteLine(FormattableString.Invariant($"{r.Label}: AUC {r.Roc.Auc:F4}, per-event log-ratio correlation {r.Correlation:F4}"));
            }
            AtomicFile.WriteAllText(Path.Combine(dir, "summary.json"),
                JsonSerializer.Serialize(new Dictionary<string, object> { ["model"] = parse.GetValue(model)!, ["data"] = dataPath, ["points"] = summary },
                    new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
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

    /// <summary>The diagnostics set θ themselves; give the gatherer placeholder theta columns so only features are required.</summary>
    private static EventTable WithZeroTheta(EventTable table, IReadOnlyList<string> thetaNames)
    {
        var view = table.Select(Enumerable.Range(0, table.RowCount).ToArray());
        foreach (var t in thetaNames)
            if (!view.HasColumn(EventSchema.ThetaPrefix + t) && !view.HasColumn(t)) view.AddColumn(EventSchema.ThetaPrefix + t, new double[table.RowCount]);
        return view;
    }

    private static void WriteMarginal(string dir, string tag, string label, MarginalRatio m)
    {
        Csv(Path.Combine(dir, $"ratio_{m.Feature}_{tag}.csv"), "bin_centre,true_ratio,true_error,learned_ratio", m.BinCentres, m.TrueRatio, m.TrueError, m.LearnedRatio);
        var ok = Enumerable.Range(0, m.BinCentres.Length).Where(b => double.IsFinite(m.TrueRatio[b])).ToArray();
        Plots.Save(Path.Combine(dir, $"ratio_{m.Feature}_{tag}.png"), Plots.RatioWithErrors($"p({m.Feature}|{label}) / p({m.Feature}|SM)", m.Feature, "ratio",
            ("true (reweighted)", ok.Select(b => m.BinCentres[b]).ToArray(), ok.Select(b => m.TrueRatio[b]).ToArray(), ok.Select(b => m.TrueError[b]).ToArray()),
            ("learned", ok.Select(b => m.BinCentres[b]).ToArray(), ok.Select(b => m.LearnedRatio[b]).ToArray()), [1.0]));
    }

    private static string Tag(string label) =>
        new(label.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray());

    private static void Csv(string path, string header, params double[][] columns)
    {
        var sb = new StringBuilder(header).Append('\n');
        for (int i = 0; i < columns[0].Length; i++)
            sb.AppendJoin(',', columns.Select(c => c[i].ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
