using System.CommandLine;
using System.Globalization;
using System.Text;
using SbiFit.Data;
using SbiFit.Data.Reweighting;
using SbiFit.Physics;
using SbiFit.Reporting;

namespace SbiFit.Cli.Commands;

/// <summary>
/// <c>sbifit plot features</c>: normalised distributions of the five observables for the SM and each WC point (weights
/// from the w_* columns), one PNG per observable plus <c>features.csv</c> with the binned densities.
/// </summary>
internal static class PlotFeaturesCommand
{
    private const int Bins = 40;

    /// <summary>The <c>plot</c> group with its <c>features</c> sub-command.</summary>
    public static Command Create(CliConsole console)
    {
        var input = new Option<string>("--in") { Description = "Generated file with the observables and w_* columns.", Required = true };
        var wcs = new Option<string[]>("--wc") { Description = "WC point to overlay (repeatable), e.g. \"V_R=0.5\"." };
        var output = new Option<string>("--out") { Description = "Output folder (created if missing).", Required = true };
        var features = new Command("features", "Normalised observable distributions for the SM and each --wc point (PNG + CSV).")
        {
            input, wcs, output,
        };
        features.SetSafeAction(console, parse =>
        {
            var points = (parse.GetValue(wcs) ?? []).Select(WilsonCoefficients.Parse).ToList();
            string inPath = parse.GetValue(input)!;
            string dir = parse.GetValue(output)!;
            EventTable table = EventTableIO.Read(inPath, new EventReadOptions { RequiredColumns = EventSchema.Features, FiniteColumns = EventSchema.Features });
            var rw = new Reweighter(table);
            var series = new List<(string Label, double[]? Weights)> { ("SM", null) };
            foreach (var c in points) series.Add((c.ToString(), rw.NormalisedWeights(c)));
            Directory.CreateDirectory(dir);
            var csv = new StringBuilder("observable,bin_lo,bin_hi," + string.Join(",", series.Select(s => Quote(s.Label))) + "\n");
            foreach (string name in EventSchema.Features)
            {
                double[] x = table.GetColumn(name);
                var (lo, hi) = Range(x);
                var png = Plots.HistogramOverlay(name, name, series.Select(s => (s.Label, x, s.Weights)).ToList(), Bins, lo, hi);
                Plots.Save(Path.Combine(dir, name + ".png"), png);
                var dens = series.Select(s => Density(x, s.Weights, lo, hi)).ToList();
                for (int b = 0; b < Bins; b++)
                {
                    double e0 = lo + (hi - lo) * b / Bins, e1 = lo + (hi - lo) * (b + 1) / Bins;
                    csv.Append(CultureInfo.InvariantCulture, $"{name},{e0:R},{e1:R}");
                    foreach (var d in dens) csv.Append(CultureInfo.InvariantCulture, $",{d[b]:R}");
                    csv.Append('\n');
                }
            }
            AtomicFile.WriteAllText(Path.Combine(dir, "features.csv"), csv.ToString());
            console.Out.WriteLine($"wrote {EventSchema.Features.Count} plots and features.csv for {series.Count} points to {dir}");
            return 0;
        });
        return new Command("plot", "Plots of samples and results.") { features };
    }

    private static string Quote(string s) => s.Contains(',') ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    /// <summary>Central 99.8 % of the values (robust against long reconstruction tails).</summary>
    private static (double Lo, double Hi) Range(double[] x)
    {
        var sorted = (double[])x.Clone();
        Array.Sort(sorted);
        double lo = sorted[(int)(0.001 * (sorted.Length - 1))], hi = sorted[(int)(0.999 * (sorted.Length - 1))];
        return hi > lo ? (lo, hi) : (lo - 0.5, lo + 0.5);
    }

    /// <summary>Unit-area density in <see cref="Bins"/> equal bins over [lo, hi] (outside values ignored).</summary>
    private static double[] Density(double[] x, double[]? w, double lo, double hi)
    {
        var h = new double[Bins];
        double scale = Bins / (hi - lo), total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (!(x[i] >= lo && x[i] <= hi)) continue;
            int b = Math.Min(Bins - 1, (int)((x[i] - lo) * scale));
            double wi = w?[i] ?? 1;
            h[b] += wi;
            total += wi;
        }
        double norm = total > 0 ? scale / total : 0;
        for (int b = 0; b < Bins; b++) h[b] *= norm;
        return h;
    }
}
