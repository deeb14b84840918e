using System.CommandLine;
using System.Globalization;
using SbiFit.Cli.Bench;
using SbiFit.Data;
using SbiFit.Data.Reweighting;
using SbiFit.Data.Simulation;
using SbiFit.Physics;
using SbiFit.Physics.Detector;

namespace SbiFit.Cli.Commands;

/// <summary>
/// <c>sbifit bench generate</c>: events/s for truth + reconstruction + weight matrix on 2 threads, and the median time to
/// reweight 10⁶ events to a new c (V_R only: 3 active terms; general complex c: all 25).
/// </summary>
internal static class BenchGenerateCommand
{
    /// <summary>The <c>bench</c> group with its <c>generate</c> sub-command.</summary>
    public static Command Create(CliConsole console)
    {
        var events = new Option<long>("--events") { Description = "Events per generation run.", DefaultValueFactory = _ => 1_000_000 };
        var threads = new Option<int>("--threads") { Description = "Threads for generation and reweighting.", DefaultValueFactory = _ => 2 };
        var generate = new Command("generate", "Benchmark generation (truth+reco+W) and reweighting of 1e6 events.") { events, threads };
        generate.SetSafeAction(console, parse =>
        {
            long n = parse.GetValue(events);
            int t = parse.GetValue(threads);
            if (n < 1000) throw new CliUsageException("option '--events': need at least 1000 events");
            if (t < 1) throw new CliUsageException("option '--threads': must be at least 1");
            var cfg = new GeneratorConfig { Events = n, Seed = 7, Threads = t };
            var truthCfg = cfg with { TruthOnly = true };
            SimulationResult last = null!;
            double full = MedianTimer.Measure(() => last = SampleSimulation.Run(cfg), repeats: 3, warmup: 1, maxSeconds: 60);
            double truth = MedianTimer.Measure(() => SampleSimulation.Run(truthCfg), repeats: 3, warmup: 0, maxSeconds: 60);

            EventTable table = Replicate(last.Table, 1_000_000);
            var rw = new Reweighter(table) { Threads = t };
            var dest = new double[rw.Count];
            var vr = WilsonCoefficients.Parse("V_R=0.5");
            var general = WilsonCoefficients.Parse("V_L=0.1,V_R=0.2-0.1i,S_L=0.1i,S_R=-0.2,T_L=0.05+0.02i");
            double tVr = MedianTimer.Measure(() => rw.RawWeights(vr, dest), repeats: 21, warmup: 3);
            double tGen = MedianTimer.Measure(() => rw.RawWeights(general, dest), repeats: 21, warmup: 3);

            var inv = CultureInfo.InvariantCulture;
            var o = console.Out;
            o.WriteLine(MedianTimer.MachineLine());
            o.WriteLine($"| benchmark | threads | result |");
            o.WriteLine($"|---|---|---|");
            o.WriteLine(string.Create(inv, $"| generate truth+reco+W ({n:N0} events, eff {last.Efficiency:F3}) | {t} | {n / full:E3} events/s ({full:F2} s) |"));
            o.WriteLine(string.Create(inv, $"| generate truth+W (truth-only) | {t} | {n / truth:E3} events/s ({truth:F2} s) |"));
            o.WriteLine(string.Create(inv, $"| reweight 1e6 events, V_R = 0.5 (3 terms) | {t} | {tVr * 1e3:F2} ms |"));
            o.WriteLine(string.Create(inv, $"| reweight 1e6 events, general complex c (25 terms) | {t} | {tGen * 1e3:F2} ms |"));
            return 0;
        });
        return generate;
    }

    /// <summary>Repeats rows cyclically to <paramref name="rows"/> rows (reweighting cost only depends on the count).</summary>
    private static EventTable Replicate(EventTable t, int rows)
    {
        if (t.RowCount == 0) throw new CliUsageException("no accepted events to reweight");
        var idx = new int[rows];
        for (int i = 0; i < rows; i++) idx[i] = i % t.RowCount;
        return t.Select(idx);
    }
}
