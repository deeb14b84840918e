using System.Globalization;
using System.Text;
using System.Text.Json;
using SbiFit.Data;
using SbiFit.Learning.Diagnostics;
using SbiFit.Reporting;

namespace SbiFit.Cli.Commands;

/// <summary>
/// The learned-ratio diagnostics and their files (CSV + PNG per θ point, summary.json), shared by <c>sbifit diagnose</c>
/// and the pipeline's diagnose step.
/// </summary>
internal static class DiagnosticsOutputs
{
    /// <summary>Summary file written next to the plots.</summary>
    public const string SummaryFile = "summary.json";

    /// <summary>Runs <see cref="LearnedRatioProbe"/> at the θ points <paramref name="points"/>(model theta names).</summary>
    public static IReadOnlyList<ThetaDiagnostics> Probe(string modelPath, EventTable table, string dataPath,
        Func<IReadOnlyList<string>, double[][]> points, int bins)
    {
        using var inputs = ModelInputs.Open(modelPath, "interpreted");
        var net = inputs.Model;
        var thetas = points(net.ThetaNames);
        var (x, _) = ModelInputs.Gather(WithZeroTheta(table, net.ThetaNames), net, dataPath);
        return LearnedRatioProbe.Run(net, table, x, thetas, bins);
    }

    /// <summary>Writes CSV + PNG per diagnostic and summary.json into <paramref name="dir"/>; returns the PNGs with captions.</summary>
    public static IReadOnlyList<(string File, string Caption)> Write(string dir, IReadOnlyList<ThetaDiagnostics> results, string modelPath, string dataPath)
    {
        Directory.CreateDirectory(dir);
        var images = new List<(string, string)>();
        void Png(string name, byte[] png, string caption)
        {
            Plots.Save(Path.Combine(dir, name), png);
            images.Add((name, caption));
        }
        var summary = new List<Dictionary<string, object>>();
        foreach (var r in results)
        {
            string tag = Tag(r.Label);
            foreach (var m in r.Marginals)
            {
                Csv(Path.Combine(dir, $"ratio_{m.Feature}_{tag}.csv"), "bin_centre,true_ratio,true_error,learned_ratio", m.BinCentres, m.TrueRatio, m.TrueError, m.LearnedRatio);
                var ok = Enumerable.Range(0, m.BinCentres.Length).Where(b => double.IsFinite(m.TrueRatio[b])).ToArray();
                Png($"ratio_{m.Feature}_{tag}.png", Plots.RatioWithErrors($"p({m.Feature}|{r.Label}) / p({m.Feature}|SM)", m.Feature, "ratio",
                    ("true (reweighted)", ok.Select(b => m.BinCentres[b]).ToArray(), ok.Select(b => m.TrueRatio[b]).ToArray(), ok.Select(b => m.TrueError[b]).ToArray()),
                    ("learned", ok.Select(b => m.BinCentres[b]).ToArray(), ok.Select(b => m.LearnedRatio[b]).ToArray()), [1.0]),
                    $"Marginal ratio of {m.Feature} at {r.Label}: reweighted truth vs learned");
            }
            Csv(Path.Combine(dir, $"roc_{tag}.csv"), "fpr,tpr", r.Roc.FalsePositiveRate, r.Roc.TruePositiveRate);
            Png($"roc_{tag}.png", Plots.Lines($"ROC at {r.Label} (AUC {r.Roc.Auc:F4})", "false positive rate (SM)",
                "true positive rate (NP)", [("learned", r.Roc.FalsePositiveRate, r.Roc.TruePositiveRate), ("random", [0.0, 1.0], [0.0, 1.0])]),
                $"ROC of SM vs {r.Label} (AUC {r.Roc.Auc:F4})");
            Csv(Path.Combine(dir, $"calibration_{tag}.csv"), "mean_predicted,observed_fraction,bin_weight",
                r.Calibration.MeanPredicted, r.Calibration.ObservedFraction, r.Calibration.BinWeight);
            Png($"calibration_{tag}.png", Plots.Lines($"Calibration at {r.Label}", "mean predicted s", "observed NP fraction",
                [("learned", r.Calibration.MeanPredicted, r.Calibration.ObservedFraction), ("ideal", [0.0, 1.0], [0.0, 1.0])]),
                $"Calibration of the classifier at {r.Label}");
            Csv(Path.Combine(dir, $"logratio_{tag}.csv"), "exact_log_ratio,learned_log_ratio", r.ExactLogRatio, r.LearnedLogRatio);
            Png($"logratio_{tag}.png", Plots.Scatter($"Per-event log-ratio at {r.Label} (Pearson {r.Correlation:F4})",
                "exact log r", "learned log r", r.ExactLogRatio, r.LearnedLogRatio), $"Learned vs exact per-event log-ratio at {r.Label}");
            summary.Add(new() { ["theta"] = r.Label, ["auc"] = r.Roc.Auc, ["correlation"] = r.Correlation });
        }
        AtomicFile.WriteAllText(Path.Combine(dir, SummaryFile),
            JsonSerializer.Serialize(new Dictionary<string, object> { ["model"] = modelPath, ["data"] = dataPath, ["points"] = summary, ["images"] = images.Select(i => new[] { i.Item1, i.Item2 }).ToArray() },
                new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        return images;
    }

    /// <summary>The diagnostics set θ themselves; give the gatherer placeholder theta columns so only features are required.</summary>
    private static EventTable WithZeroTheta(EventTable table, IReadOnlyList<string> thetaNames)
    {
        var view = table.Select(Enumerable.Range(0, table.RowCount).ToArray());
        foreach (var t in thetaNames)
            if (!view.HasColumn(EventSchema.ThetaPrefix + t) && !view.HasColumn(t)) view.AddColumn(EventSchema.ThetaPrefix + t, new double[table.RowCount]);
        return view;
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
