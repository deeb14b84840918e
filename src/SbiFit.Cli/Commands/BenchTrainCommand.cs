using System.CommandLine;
using SbiFit.Cli.Bench;
using SbiFit.Learning;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit bench train</c>: seconds per epoch and GFLOP/s of the training kernels against the measured FMA peak.</summary>
internal static class BenchTrainCommand
{

    /// <summary>The <c>train</c> benchmark sub-command.</summary>
    public static Command CreateTrain(CliConsole console)
    {
        var events = new Option<int>("--events") { Description = "events (training rows = 2 x 80 %)", DefaultValueFactory = _ => 200_000 };
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 2 };
        var epochs = new Option<int>("--epochs") { Description = "timed epochs", DefaultValueFactory = _ => 3 };
        var command = new Command("train", "Benchmark training: seconds/epoch, effective GFLOP/s, machine peak (same run), fraction of peak.");
        foreach (var o in new Option[] { events, threads, epochs }) command.Options.Add(o);
        command.SetSafeAction(console, parse =>
        {
            int n = parse.GetValue(events), t = parse.GetValue(threads), e = parse.GetValue(epochs);
            if (n < 100) throw new CliUsageException("--events must be at least 100.");
            if (t < 1) throw new CliUsageException("--threads must be at least 1.");
            if (e < 1) throw new CliUsageException("--epochs must be at least 1.");
            var r = TrainingBenchmark.Run(n, t, e);
            console.Out.WriteLine(MachineLine());
            console.Out.WriteLine("| events | train rows | threads | s/epoch | effective GFLOP/s | peak GFLOP/s | fraction of peak |");
            console.Out.WriteLine("|---|---|---|---|---|---|---|");
            console.Out.WriteLine(FormattableString.Invariant(
                $"| {r.Events} | {r.TrainRows} | {r.Threads} | {r.SecondsPerEpoch:F3} | {r.EffectiveGflops:F1} | {r.PeakGflops:F1} | {r.FractionOfPeak:P0} |"));
            return 0;
        });
        return command;
    }

    private static string MachineLine() => "machine: " + MedianTimer.MachineLine();
}
