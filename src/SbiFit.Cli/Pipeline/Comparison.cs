using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SbiFit.Data;
using SbiFit.Reporting;

namespace SbiFit.Cli.Pipeline;

/// <summary>One row of the comparison table: a likelihood's fit at one theta_gen for one parameter.</summary>
/// <param name="Likelihood">oracle, classical or sbi.</param>
/// <param name="Parameter">WC parameter.</param>
/// <param name="ThetaGen">Generated value of the parameter.</param>
/// <param name="ThetaMin">Fitted value.</param>
/// <param name="HesseError">HESSE error.</param>
/// <param name="MinosLower">MINOS lower error (negative) or null.</param>
/// <param name="MinosUpper">MINOS upper error or null.</param>
/// <param name="SigmaRatioToOracle">HESSE error divided by the oracle's at the same point (1 for the oracle).</param>
/// <param name="SigmaRatioToClassical">HESSE error divided by the classical fit's at the same point (1 for the classical fit).</param>
public sealed record ComparisonRow(string Likelihood, string Parameter, double ThetaGen, double ThetaMin, double HesseError,
    double? MinosLower, double? MinosUpper, double? SigmaRatioToOracle, double? SigmaRatioToClassical);

/// <summary>Builds the comparison table of the Asimov series and writes it as CSV.</summary>
internal static class Comparison
{
    public static List<ComparisonRow> Build(IReadOnlyList<AsimovSeries> series)
    {
        var oracle = series.FirstOrDefault(s => s.Likelihood == "oracle");
        var classical = series.FirstOrDefault(s => s.Likelihood == "classical");
        static double? Ratio(AsimovSeries? reference, int i, int k, double sigma) =>
            reference is not null && i < reference.Points.Length && reference.Points[i].HesseError[k] is > 0 and var r ? sigma / r : null;
        var rows = new List<ComparisonRow>();
        foreach (var s in series)
            for (int i = 0; i < s.Points.Length; i++)
            {
                var pt = s.Points[i];
                for (int k = 0; k < pt.Parameters.Length; k++)
                {
                    rows.Add(new ComparisonRow(s.Likelihood, pt.Parameters[k], pt.ThetaGen[k], pt.ThetaMin[k], pt.HesseError[k],
                        pt.MinosLower[k], pt.MinosUpper[k], Ratio(oracle, i, k, pt.HesseError[k]), Ratio(classical, i, k, pt.HesseError[k])));
                }
            }
        return rows;
    }

    /// <summary>σ ratios of every non-oracle row: to the oracle and (for SBI) to the classical fit, as in results.json.</summary>
    public static JsonArray SigmaRatios(IEnumerable<ComparisonRow> rows) => new(rows.Where(r => r.Likelihood != "oracle").Select(r => (JsonNode)new JsonObject
    {
        ["likelihood"] = r.Likelihood, ["parameter"] = r.Parameter, ["theta_gen"] = r.ThetaGen,
        ["sigma_ratio_to_oracle"] = r.SigmaRatioToOracle,
        ["sigma_ratio_to_classical"] = r.Likelihood == "classical" ? null : r.SigmaRatioToClassical,
    }).ToArray());

    /// <summary>Δ(2 NLL) profiles of parameter <paramref name="k"/> at theta_gen point <paramref name="i"/>, one curve per likelihood.</summary>
    public static byte[]? CurvesPlot(IReadOnlyList<AsimovSeries> series, int i, int k)
    {
        var curves = series.Where(s => i < s.Points.Length).Select(s =>
        {
            var scan = s.Points[i].Scans[k];
            var ok = Enumerable.Range(0, scan.X.Length).Where(j => double.IsFinite(scan.Delta2Nll[j])).ToArray();
            return (Label: s.Likelihood, X: ok.Select(j => scan.X[j]).ToArray(), Y: ok.Select(j => scan.Delta2Nll[j]).ToArray());
        }).Where(c => c.X.Length > 1).ToArray();
        if (curves.Length == 0) return null;
        var pt = series.First(s => i < s.Points.Length).Points[i];
        string name = pt.Parameters[k];
        return Plots.Lines($"Asimov at {name} = {pt.ThetaGen[k].ToString("G3", CultureInfo.InvariantCulture)}", name, "Δ(2 NLL)", curves, new[] { 1.0, 4.0 });
    }

    /// <summary>Fixed-width text table of the rows (theta_min, HESSE, MINOS, σ ratios).</summary>
    public static string Text(IReadOnlyList<ComparisonRow> rows)
    {
        static string F(double? v, string f) => v is { } x && double.IsFinite(x) ? x.ToString(f, CultureInfo.InvariantCulture) : "-";
        var sb = new StringBuilder();
        sb.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-10} {1,-8} {2,9} {3,10} {4,9} {5,9} {6,9} {7,9} {8,9}",
            "likelihood", "param", "theta_gen", "theta_min", "hesse", "minos-", "minos+", "s/s_orac", "s/s_clas"));
        foreach (var r in rows)
            sb.AppendLine(string.Format(CultureInfo.InvariantCulture, "{0,-10} {1,-8} {2,9} {3,10} {4,9} {5,9} {6,9} {7,9} {8,9}",
                r.Likelihood, r.Parameter, F(r.ThetaGen, "G4"), F(r.ThetaMin, "F4"), F(r.HesseError, "F4"), F(r.MinosLower, "F4"),
                F(r.MinosUpper, "F4"), F(r.SigmaRatioToOracle, "F3"), F(r.SigmaRatioToClassical, "F3")));
        return sb.ToString();
    }

    public static void WriteCsv(IReadOnlyList<ComparisonRow> rows, string path)
    {
        static string F(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";
        var sb = new StringBuilder("likelihood,parameter,theta_gen,theta_min,hesse_error,minos_lower,minos_upper,sigma_ratio_to_oracle,sigma_ratio_to_classical\n");
        foreach (var r in rows)
            sb.Append(CultureInfo.InvariantCulture, $"{r.Likelihood},{r.Parameter},{F(r.ThetaGen)},{F(r.ThetaMin)},{F(r.HesseError)},{F(r.MinosLower)},{F(r.MinosUpper)},{F(r.SigmaRatioToOracle)},{F(r.SigmaRatioToClassical)}\n");
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
