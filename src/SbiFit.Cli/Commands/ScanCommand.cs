using System.CommandLine;
using SbiFit.Inference.Statistics;
using SbiFit.Reporting;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit scan</c>: 1-D profile scans of each POI and, with two POIs, the 1σ and 2σ contours; CSV + PNG.</summary>
internal static class ScanCommand
{
    public static Command Create(CliConsole console)
    {
        var lf = new LikelihoodFactory();
        var range = new Option<string?>("--range") { Description = "Scan range LO:HI for every POI (default: minimum +- 3 sigma)." };
        var points = new Option<int>("--points") { Description = "Points per 1-D scan (>= 2).", DefaultValueFactory = _ => 41 };
        var contourPoints = new Option<int>("--contour-points") { Description = "Points per 2-D contour (>= 3).", DefaultValueFactory = _ => 40 };
        var asimov = new Option<string?>("--asimov") { Description = "Scan the data weighted at this point (needs w_* columns), e.g. V_R=0.3." };
        var output = new Option<string>("--out") { Description = "Output folder (created if missing): scan_<poi>.csv/.png, contour_<a>_<b>.csv/.png.", Required = true };
        var command = new Command("scan", "Profile-likelihood scans: 1-D for each --poi (others profiled), 2-D contours at 1 and 2 sigma for two POIs.");
        lf.AddTo(command);
        foreach (var o in new Option[] { range, points, contourPoints, asimov, output }) command.Options.Add(o);
        command.SetSafeAction(console, parse =>
        {
            var fixedRange = parse.GetValue(range) is { } r ? LikelihoodFactory.ParseRange(r, "--range") : ((double, double)?)null;
            int n = parse.GetValue(points), nc = parse.GetValue(contourPoints);
            if (n < 2) throw new CliUsageException($"--points must be at least 2, got {n}");
            if (nc < 3) throw new CliUsageException($"--contour-points must be at least 3, got {nc}");
            using var ll = lf.Load(parse);
            var pois = ll.Setup.Pois;
            if (pois.Count > 2) throw new CliUsageException($"scan takes one or two --poi, got {pois.Count}");
            var weights = FitCommand.DataWeights(ll, parse.GetValue(asimov), "--asimov");
            string dir = parse.GetValue(output)!;
            Directory.CreateDirectory(dir);
            var (minuit, fit) = Fitter.Fit(ll.Setup.Build(weights), ll.Setup.Parameters());
            console.Out.WriteLine(fit.ToString());
            if (!fit.IsValid) throw new InvalidDataException($"the fit before the scan is not valid ({fit.InvalidReason}); no scan made");
            foreach (string poi in pois)
            {
                var p = fit[poi];
                var (lo, hi) = fixedRange ?? (p.Value - 3 * p.Error, p.Value + 3 * p.Error);
                var scan = console.WithProgress($"scan {poi}", _ => ProfileScan.Scan(minuit, fit, poi, lo, hi, n));
                ProfileScan.Write(Path.Combine(dir, $"scan_{poi}.csv"), ProfileScan.ToCsv(scan));
                Plots.Save(Path.Combine(dir, $"scan_{poi}.png"),
                    Plots.Lines($"Profile likelihood of {poi} ({ll.Setup.Kind})", poi, "delta NLL", [("profile", scan.Values, scan.DeltaNll)], [0.5, 2.0]));
                console.Out.WriteLine($"wrote scan_{poi}.csv and scan_{poi}.png");
            }
            if (pois.Count == 2)
            {
                var contours = console.WithProgress("contours", _ => new[] { 1, 2 }.Select(s => ProfileScan.Contour(minuit, pois[0], pois[1], s, nc)).ToList());
                string stem = $"contour_{pois[0]}_{pois[1]}";
                ProfileScan.Write(Path.Combine(dir, stem + ".csv"), ProfileScan.ToCsv(contours));
                var lines = contours.Select(c => ($"{c.Sigmas} sigma", Closed(c.X, c.Valid), Closed(c.Y, c.Valid))).ToList();
                lines.Add(("minimum", [fit[pois[0]].Value], [fit[pois[1]].Value]));
                Plots.Save(Path.Combine(dir, stem + ".png"), Plots.Lines($"Contours of {pois[0]}, {pois[1]} ({ll.Setup.Kind})", pois[0], pois[1], lines));
                console.Out.WriteLine($"wrote {stem}.csv and {stem}.png");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The valid points with the first repeated at the end, so the contour is drawn closed.</summary>
    private static double[] Closed(double[] v, bool[] valid)
    {
        var kept = v.Where((_, i) => valid[i]).ToList();
        if (kept.Count > 0) kept.Add(kept[0]);
        return kept.ToArray();
    }
}
