using System.CommandLine;
using System.Globalization;
using System.Numerics;
using SbiFit.Cli.Bench;
using SbiFit.Data;
using SbiFit.Inference.Templates;
using SbiFit.Physics;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit bench classical</c>: template building and full classical fits, median wall times.</summary>
internal static class BenchClassicalCommand
{

    /// <summary>The <c>classical</c> sub-command alone.</summary>
    public static Command CreateClassical(CliConsole console)
    {
        var events = new Option<int>("--events") { HelpName = "N", Description = "Events in the synthetic training sample.", DefaultValueFactory = _ => 1_000_000 };
        var repeats = new Option<int>("--repeats") { HelpName = "R", Description = "Timed repetitions per case (median reported).", DefaultValueFactory = _ => 7 };
        var command = new Command("classical", "Benchmark template building and MIGRAD+HESSE of the 2500-bin classical fit (with/without BB-lite).");
        command.Options.Add(events);
        command.Options.Add(repeats);
        command.SetSafeAction(console, parse =>
        {
            int n = parse.GetValue(events), r = parse.GetValue(repeats);
            if (n < 1000) throw new CliUsageException($"--events must be at least 1000, got {n}.");
            if (r < 1) throw new CliUsageException($"--repeats must be at least 1, got {r}.");
            var rows = ClassicalBenchmarkWorkload.Run(n, r);
            console.Out.WriteLine(MedianTimer.MachineLine());
            console.Out.WriteLine($"{"case",-56} {"wall",10} {"cpu",10} {"target",8}");
            foreach (var row in rows)
                console.Out.WriteLine($"{row.Name,-56} {Ms(row.Seconds),10} {Ms(row.CpuSeconds),10} {Ms(row.Target),8}");
            return 0;
        });
        return command;
    }

    private static string Ms(double s) => (s * 1e3).ToString(s < 0.01 ? "F2" : "F1", CultureInfo.InvariantCulture) + " ms";
}

/// <summary>The classical-fit benchmark workload, shared by <c>sbifit bench classical</c> and BenchmarkDotNet.</summary>
public static class ClassicalBenchmarkWorkload
{
    /// <summary>
    /// A synthetic training sample: observables spread over the physical ranges and random positive semi-definite
    /// Hermitian W/W00 (rank 2, W00 = 1) as the 25 w_* columns; deterministic in <paramref name="seed"/>.
    /// </summary>
    public static EventTable SyntheticTraining(int events, ulong seed = 1)
    {
        const int chunk = 1 << 16, P = WeightMatrixLayout.PackedLength;
        var obs = EventSchema.Features.Select(_ => new double[events]).ToArray();
        var w = Enumerable.Range(0, P).Select(_ => new double[events]).ToArray();
        int chunks = (events + chunk - 1) / chunk;
        Parallel.For(0, chunks, c =>
        {
            var rng = new Rng(seed, (ulong)c); // one stream per fixed chunk: thread-count independent
            var full = new Complex[25];
            var v = new Complex[5];
            var packed = new double[P];
            for (int e = c * chunk, end = Math.Min(events, (c + 1) * chunk); e < end; e++)
            {
                obs[0][e] = rng.Uniform(0, 10.69);
                obs[1][e] = rng.Uniform(-1, 1);
                obs[2][e] = rng.Uniform(-1, 1);
                obs[3][e] = rng.Uniform(-Math.PI, Math.PI);
                obs[4][e] = 0.5 + 1.2 * rng.NextGaussian();
                Array.Clear(full);
                for (int k = 0; k < 2; k++)
                {
                    for (int i = 0; i < 5; i++) v[i] = new Complex(rng.NextGaussian() + (i == 0 ? 1.5 : 0), i == 0 ? 0 : 0.5 * rng.NextGaussian());
                    for (int i = 0; i < 5; i++)
                        for (int j = 0; j < 5; j++) full[i * 5 + j] += v[i] * Complex.Conjugate(v[j]);
                }
                double w00 = full[0].Real;
                for (int k = 0; k < 25; k++) full[k] /= w00;
                WeightMatrixLayout.Pack(full, packed);
                for (int k = 0; k < P; k++) w[k][e] = packed[k];
            }
        });
        var t = new EventTable("synthetic-benchmark");
        for (int a = 0; a < obs.Length; a++) t.AddColumn(EventSchema.Features[a], obs[a]);
        for (int k = 0; k < P; k++) t.AddColumn(WeightMatrixLayout.ColumnNames[k], w[k]);
        return t;
    }

    /// <summary>A classical fit on the default 2500 bins to template Asimov data at V_R = 0.3, S_L = −0.1.</summary>
    public static ClassicalFit AsimovFit(EventTable training, bool barlowBeestonLite) =>
        ClassicalFit.Create(training, ClassicalData.AsimovTemplates(new Dictionary<string, double> { ["V_R"] = 0.3, ["S_L"] = -0.1 }),
            new[] { "V_R", "S_L" }, new ClassicalFitOptions(BarlowBeestonLite: barlowBeestonLite));

    /// <summary>Builds the default 2500-bin templates from the training sample's columns.</summary>
    public static TemplateSet BuildTemplates(EventTable training)
    {
        var binning = Binning.Default();
        return TemplateSet.Build(binning, binning.Observables.Select(training.GetColumn).ToArray(),
            WeightMatrixLayout.ColumnNames.Select(training.GetColumn).ToArray());
    }

    /// <summary>
    /// Runs every case and returns (name, median wall seconds, median process CPU seconds, target seconds). The CPU
    /// column shows what the work costs when the shared machine's load inflates the wall time.
    /// </summary>
    public static IReadOnlyList<(string Name, double Seconds, double CpuSeconds, double Target)> Run(int events, int repeats)
    {
        var training = SyntheticTraining(events);
        var rows = new List<(string, double, double, double)>();
        var (wall, cpu) = Measure(() => BuildTemplates(training), repeats);
        rows.Add(($"templates: build 2500 bins from {events:N0} events", wall, cpu, 0.5));
        foreach (var bb in new[] { false, true })
        {
            var fit = AsimovFit(training, bb);
            var check = fit.Fit();
            if (!check.Fit.IsValid) throw new InvalidOperationException($"benchmark fit (BB-lite {bb}) is not valid: {check.Fit.InvalidReason}");
            (wall, cpu) = Measure(() => fit.Fit(), repeats * 3);
            rows.Add(($"fit: MIGRAD+HESSE, 2500 bins, 2 POIs, BB-lite {(bb ? "on" : "off")}, nfcn {check.Fit.NFcn}", wall, cpu, 0.05));
        }
        return rows;
    }

    private static (double Wall, double Cpu) Measure(Action action, int repeats)
    {
        var process = System.Diagnostics.Process.GetCurrentProcess();
        var cpu = new List<double>();
        double wall = MedianTimer.Measure(() =>
        {
            process.Refresh();
            var before = process.TotalProcessorTime;
            action();
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - before).TotalSeconds);
        }, repeats);
        cpu.RemoveAt(0); // MedianTimer's warm-up run
        cpu.Sort();
        return (wall, cpu[cpu.Count / 2]);
    }
}
