using System.Globalization;
using System.Text;
using SbiFit.Data;

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

    public static void WriteCsv(IReadOnlyList<ComparisonRow> rows, string path)
    {
        static string F(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";
        var sb = new StringBuilder("likelihood,parameter,theta_gen,theta_min,hesse_error,minos_lower,minos_upper,sigma_ratio_to_oracle,sigma_ratio_to_classical\n");
        foreach (var r in rows)
            sb.Append(CultureInfo.InvariantCulture, $"{r.Likelihood},{r.Parameter},{F(r.ThetaGen)},{F(r.ThetaMin)},{F(r.HesseError)},{F(r.MinosLower)},{F(r.MinosUpper)},{F(r.SigmaRatioToOracle)},{F(r.SigmaRatioToClassical)}\n");
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
