using System.CommandLine;
using System.Globalization;
using SbiFit.Data;
using SbiFit.Data.Simulation;
using SbiFit.Physics.Detector;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit generate</c>: SM events with truth, reconstruction and per-event weight matrices, to Parquet/CSV.</summary>
internal static class GenerateCommand
{
    public static Command Create(CliConsole console)
    {
        var events = new Option<long?>("--events") { Description = "Events to generate (before acceptance); overrides the config's 'events' (default 100000)." };
        var seed = new Option<ulong?>("--seed") { Description = "Master seed; overrides the config's 'seed' (default 1)." };
        var output = new Option<string>("--out") { Description = "Output file (.parquet or .csv), written atomically.", Required = true };
        var config = new Option<string?>("--config") { Description = "Generator configuration JSON (snake_case GeneratorConfig; detector settings under 'detector')." };
        var truthOnly = new Option<bool>("--truth-only") { Description = "Skip reconstruction: q2/cos_theta_*/chi hold the true values, m2_miss = 0." };
        var lepton = new Option<string>("--lepton") { Description = "Charged lepton: mu, e or tau.", DefaultValueFactory = _ => "mu" };
        var threads = new Option<int?>("--threads") { Description = "Worker threads (0 = all cores); the output does not depend on it." };
        var cmd = new Command("generate", "Generate B0 -> D*- l+ nu events (SM truth, LHCb-like reconstruction, weight matrices W/W00).")
        {
            events, seed, output, config, truthOnly, lepton, threads,
        };
        cmd.SetSafeAction(console, parse =>
        {
            GeneratorConfig cfg = LoadConfig(parse.GetValue(config));
            if (parse.GetValue(events) is { } n) cfg = cfg with { Events = n };
            if (parse.GetValue(seed) is { } s) cfg = cfg with { Seed = s };
            if (parse.GetValue(threads) is { } t) cfg = cfg with { Threads = t };
            if (parse.GetValue(truthOnly)) cfg = cfg with { TruthOnly = true };
            if (cfg.KeepRejected)
                throw new CliUsageException("generator option 'keep_rejected' is not supported by 'generate' (files hold accepted events only)");
            var lep = SampleSimulation.ParseLepton(parse.GetValue(lepton)!);
            string path = parse.GetValue(output)!;
            CheckOutputPath(path);
            cfg.Validate();

            SimulationResult r = console.WithProgress($"generating {cfg.Events} events", p => SampleSimulation.Run(cfg, lep, progress: p));
            EventTableIO.Write(r.Table, path);
            var inv = CultureInfo.InvariantCulture;
            console.Out.WriteLine(string.Create(inv,
                $"generated {r.Generated}, accepted {r.Accepted}, efficiency {r.Efficiency:F4}, {r.Seconds:F2} s ({r.Generated / Math.Max(r.Seconds, 1e-9):E3} events/s) -> {path}"));
            return 0;
        });
        return cmd;
    }

    private static GeneratorConfig LoadConfig(string? path)
    {
        if (path is null) return new GeneratorConfig();
        EventTableIO.RequireFile(path);
        try
        {
            return GeneratorConfig.FromJson(File.ReadAllText(path));
        }
        catch (GeneratorConfigException e)
        {
            throw new GeneratorConfigException($"config file '{path}': {e.Message}");
        }
    }

    /// <summary>Fails early (before minutes of work) when the output folder does not exist or the format is unknown.</summary>
    internal static void CheckOutputPath(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        if (ext is not (".parquet" or ".pq" or ".csv"))
            throw new CliUsageException($"option '--out': '{path}' must end in .parquet or .csv");
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null && !Directory.Exists(dir))
            throw new CliUsageException($"option '--out': folder '{dir}' does not exist");
    }
}
