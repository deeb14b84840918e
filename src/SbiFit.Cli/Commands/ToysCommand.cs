using System.CommandLine;
using System.Globalization;
using SbiFit.Data;
using SbiFit.Inference.Statistics;
using SbiFit.Reporting;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit toys</c>: Poisson-bootstrap pseudo-experiments at θ_gen; pulls, coverage, CSV and pull histogram.</summary>
internal static class ToysCommand
{
    public static Command Create(CliConsole console)
    {
        var lf = new LikelihoodFactory();
        var thetaGen = new Option<string>("--theta-gen") { Description = "Generated point: one value per POI joined by ':' in --poi order (e.g. 0.3).", Required = true };
        var toys = new Option<int>("--toys") { Description = "Number of pseudo-experiments.", DefaultValueFactory = _ => 100 };
        var seed = new Option<ulong>("--seed") { Description = "Seed; toy k uses Rng(seed, k).", DefaultValueFactory = _ => 1UL };
        var toyIndex = new Option<int?>("--toy-index") { Description = "Rerun only toy k (same result as in the full run) and print it." };
        var minos = new Option<bool>("--minos") { Description = "Use MINOS intervals for the pulls and coverage (default: HESSE)." };
        var threads = new Option<int>("--threads") { Description = "Parallel toys (-1: all cores); results do not depend on it.", DefaultValueFactory = _ => -1 };
        var output = new Option<string?>("--out") { Description = "Output folder (created if missing): toys.csv, toys_pulls.png, toys_summary.txt. Required unless --toy-index." };
        var command = new Command("toys", "Poisson-bootstrap pseudo-experiments at theta_gen: pull mean and width, coverage of the 68% interval.");
        lf.AddTo(command);
        foreach (var o in new Option[] { thetaGen, toys, seed, toyIndex, minos, threads, output }) command.Options.Add(o);
        command.SetSafeAction(console, parse =>
        {
            int count = parse.GetValue(toys);
            if (count <= 0) throw new CliUsageException($"--toys must be positive, got {count}");
            int? single = parse.GetValue(toyIndex);
            if (single is < 0) throw new CliUsageException($"--toy-index must be non-negative, got {single}");
            string? dir = parse.GetValue(output);
            if (single is null && dir is null) throw new CliUsageException("give --out DIR (or --toy-index k to rerun one toy)");
            using var ll = lf.Load(parse);
            var gen = LikelihoodFactory.ParsePoints(parse.GetValue(thetaGen)!, ll.Setup.Pois.Count, "--theta-gen");
            if (gen.Count != 1) throw new CliUsageException("--theta-gen takes a single point for toys");
            var options = new ToyOptions(Fit: new FitOptions(Minos: parse.GetValue(minos)), MaxParallelism: parse.GetValue(threads));
            ulong s = parse.GetValue(seed);
            if (single is { } k)
            {
                var t = ToyStudy.RunSingle(ll.Setup, gen[0], k, s, options, ll.BaseWeights);
                console.Out.Write(ToyStudy.ToCsv([t]));
                return 0;
            }
            var results = console.WithProgress($"{count} toys", p => ToyStudy.Run(ll.Setup, gen[0], count, s, options, ll.BaseWeights, p));
            var summary = ToyStudy.Summarise(results);
            Directory.CreateDirectory(dir!);
            ToyStudy.WriteCsv(results, Path.Combine(dir!, "toys.csv"));
            var pulls = results.Where(r => r.Valid).Select(r => r.Pull).ToArray();
            string poi = ll.Setup.Pois[0];
            Plots.Save(Path.Combine(dir!, "toys_pulls.png"),
                Plots.HistogramOverlay($"Pulls of {poi} ({count} toys, {ll.Setup.Kind})", $"({poi}_min - {poi}_gen) / sigma",
                    [("toys", pulls, null)], bins: 20, lo: -4, hi: 4, normalise: false));
            var ci = CultureInfo.InvariantCulture;
            string text = string.Format(ci,
                "toys: {0} ({1} valid)\npull mean: {2:F3} +- {3:F3}\npull width: {4:F3} +- {5:F3}\ncoverage (68% interval): {6:F3} +- {7:F3}\n",
                summary.Toys, summary.ValidToys, summary.PullMean, summary.PullMeanError, summary.PullWidth, summary.PullWidthError,
                summary.Coverage, summary.CoverageError);
            AtomicFile.WriteAllText(Path.Combine(dir!, "toys_summary.txt"), text);
            console.Out.Write(text);
            console.Out.WriteLine($"wrote toys.csv, toys_pulls.png and toys_summary.txt to {dir}");
            return 0;
        });
        return command;
    }
}
