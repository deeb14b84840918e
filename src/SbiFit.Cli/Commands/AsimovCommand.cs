using System.CommandLine;
using System.Globalization;
using SbiFit.Data;
using SbiFit.Inference.Statistics;
using SbiFit.Reporting;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit asimov</c>: the Asimov series (weight the test set at each θ_gen, fit, pull), CSV + NLL curves PNG.</summary>
internal static class AsimovCommand
{
    public static Command Create(CliConsole console)
    {
        var lf = new LikelihoodFactory();
        var thetaGen = new Option<string>("--theta-gen") { Description = "Generated points, comma-separated; with several POIs join values with ':' in --poi order (e.g. -0.5,0,0.5 or 0.1:0.2,0:0).", Required = true };
        var minos = new Option<bool>("--minos") { Description = "Also compute MINOS errors." };
        var range = new Option<string?>("--range") { Description = "Common x range LO:HI of the NLL curves of the first POI (default: minimum +- 3 sigma)." };
        var output = new Option<string>("--out") { Description = "Output folder (created if missing): asimov.csv, asimov_nll.png, asimov_summary.txt.", Required = true };
        var command = new Command("asimov", "Asimov test: weight the test events at each theta_gen, fit, report (theta_min - theta_gen)/sigma and plot the NLL curves.");
        lf.AddTo(command);
        foreach (var o in new Option[] { thetaGen, minos, range, output }) command.Options.Add(o);
        command.SetSafeAction(console, parse =>
        {
            var curveRange = parse.GetValue(range) is { } r ? LikelihoodFactory.ParseRange(r, "--range") : ((double, double)?)null;
            using var ll = lf.Load(parse);
            var points = LikelihoodFactory.ParsePoints(parse.GetValue(thetaGen)!, ll.Setup.Pois.Count, "--theta-gen");
            string dir = parse.GetValue(output)!;
            Directory.CreateDirectory(dir);
            // A tight tolerance: the Asimov closure is meant to show the likelihood's bias, not the minimiser's.
            var options = new AsimovOptions(new FitOptions(Minos: parse.GetValue(minos), Tolerance: 1e-4), CurveRange: curveRange);
            var results = console.WithProgress("asimov fits", p => AsimovStudy.Run(ll.Setup, points, options, ll.BaseWeights, p));
            AsimovStudy.WriteCsv(results, Path.Combine(dir, "asimov.csv"));
            string poi = ll.Setup.Pois[0];
            var curves = results.Select(a => ($"{poi}_gen = {a.ThetaGen[0].ToString("G4", CultureInfo.InvariantCulture)}", a.Curve.X, a.Curve.DeltaNll)).ToList();
            Plots.Save(Path.Combine(dir, "asimov_nll.png"), Plots.Lines($"Asimov NLL curves ({ll.Setup.Kind})", poi, "delta NLL", curves, [0.5, 2.0]));
            string table = SummaryTable(results);
            AtomicFile.WriteAllText(Path.Combine(dir, "asimov_summary.txt"), table);
            console.Out.Write(table);
            console.Out.WriteLine($"wrote asimov.csv, asimov_nll.png and asimov_summary.txt to {dir}");
            return 0;
        });
        return command;
    }

    private static string SummaryTable(IReadOnlyList<AsimovPoint> results)
    {
        var ci = CultureInfo.InvariantCulture;
        var sw = new StringWriter(ci);
        sw.WriteLine($"{"POI",-8} {"theta_gen",10} {"theta_min",12} {"error",10} {"pull",10} {"valid",6}");
        foreach (var a in results)
            for (int k = 0; k < a.ThetaGen.Length; k++)
            {
                var p = a.Fit.Parameters[k];
                sw.WriteLine(string.Format(ci, "{0,-8} {1,10:G4} {2,12:G6} {3,10:G4} {4,10:G3} {5,6}", p.Name, a.ThetaGen[k], p.Value, p.Error, a.Pulls[k], a.Fit.Valid));
            }
        return sw.ToString();
    }
}
