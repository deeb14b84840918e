using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SbiFit.Data;
using Spectre.Console;

namespace SbiFit.Cli.Pipeline;

/// <summary>
/// Runs ordered <see cref="PipelineStep"/>s in a run folder with caching: a step is skipped when all its outputs exist and
/// its stamp <c>.steps/NAME.json</c> records the same settings hash and input fingerprints; <c>force</c> redoes every step.
/// Input fingerprints are the SHA-256 of the file content, except for files over <see cref="HashLimitBytes"/> where
/// size + last-write time is used (hashing multi-GB samples on every resume would cost more than it saves).
/// A stamp is written only after the step succeeded, so an interrupted run resumes at the first unfinished step.
/// </summary>
public sealed class PipelineRunner
{
    /// <summary>Files larger than this are fingerprinted by size and modification time instead of SHA-256.</summary>
    public const long HashLimitBytes = 512L << 20;

    private readonly CliConsole _console;
    private readonly bool _force;

    /// <summary>Creates a runner over the run folder (created when missing).</summary>
    public PipelineRunner(string runDirectory, CliConsole console, bool force)
    {
        RunDirectory = Path.GetFullPath(runDirectory);
        _console = console;
        _force = force;
    }

    /// <summary>Absolute run folder.</summary>
    public string RunDirectory { get; }

    /// <summary>Folder of the step stamps.</summary>
    public string StampDirectory => Path.Combine(RunDirectory, ".steps");

    /// <summary>Runs the steps in order and returns their outcomes. A failing step stops the run (its exception propagates).</summary>
    public IReadOnlyList<StepOutcome> Run(IReadOnlyList<PipelineStep> steps)
    {
        Directory.CreateDirectory(StampDirectory);
        var outcomes = new List<StepOutcome>();
        int i = 0;
        foreach (var step in steps)
        {
            i++;
            string label = $"[{i}/{steps.Count}] {step.Title}";
            if (step.Run is null)
            {
                _console.Out.WriteLine($"{label}: off ({step.UnavailableReason})");
                outcomes.Add(new StepOutcome(step.Name, step.Title, StepStatus.Unavailable, 0, null, step.UnavailableReason));
                continue;
            }
            var stamp = ComputeStamp(step);
            var previous = ReadStamp(step.Name);
            if (!_force && previous is not null && previous.Matches(stamp) && step.Outputs.All(o => File.Exists(Path.Combine(RunDirectory, o))))
            {
                _console.Out.WriteLine($"{label}: up to date, skipped (last run {previous.Seconds:F1} s)");
                outcomes.Add(new StepOutcome(step.Name, step.Title, StepStatus.Skipped, 0, previous.Seconds, null));
                continue;
            }
            DeleteStamp(step.Name);
            var sw = Stopwatch.StartNew();
            _console.WithProgress(label, p => step.Run(new StepContext(RunDirectory, p)));
            sw.Stop();
            foreach (var o in step.Outputs)
                if (!File.Exists(Path.Combine(RunDirectory, o)))
                    throw new InvalidOperationException($"step '{step.Name}' finished without writing its output '{o}'");
            double seconds = sw.Elapsed.TotalSeconds;
            _console.Out.WriteLine($"{label}: done in {seconds:F1} s");
            WriteStamp(step.Name, stamp with { Seconds = seconds, FinishedUtc = DateTime.UtcNow.ToString("O") });
            outcomes.Add(new StepOutcome(step.Name, step.Title, StepStatus.Ran, seconds, seconds, null));
        }
        return outcomes;
    }

    /// <summary>Prints the step summary: a Spectre table when interactive, aligned plain text otherwise.</summary>
    public void PrintSummary(IReadOnlyList<StepOutcome> outcomes)
    {
        static string StatusText(StepOutcome o) => o.Status switch
        {
            StepStatus.Ran => "ran",
            StepStatus.Skipped => "skipped (up to date)",
            _ => "off",
        };
        static string Time(StepOutcome o) => o.Status switch
        {
            StepStatus.Ran => $"{o.Seconds:F1} s",
            StepStatus.Skipped => $"({o.LastRunSeconds:F1} s last run)",
            _ => "-",
        };
        if (_console.Interactive)
        {
            var table = new Table().AddColumns("Step", "Status", "Time");
            foreach (var o in outcomes) table.AddRow(Markup.Escape(o.Title), Markup.Escape(StatusText(o)), Markup.Escape(Time(o)));
            AnsiConsole.Write(table);
            return;
        }
        int w = Math.Max(4, outcomes.Max(o => o.Title.Length));
        _console.Out.WriteLine($"{"Step".PadRight(w)}  {"Status",-28}  Time");
        foreach (var o in outcomes) _console.Out.WriteLine($"{o.Title.PadRight(w)}  {StatusText(o),-28}  {Time(o)}");
    }

    private StepStamp ComputeStamp(PipelineStep step)
    {
        var inputs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var rel in step.Inputs)
        {
            string path = Path.Combine(RunDirectory, rel);
            if (!File.Exists(path))
                throw new InvalidOperationException($"step '{step.Name}': input '{rel}' is missing (an earlier step did not produce it)");
            inputs[rel] = Fingerprint(path);
        }
        return new StepStamp(Sha256(Encoding.UTF8.GetBytes(step.Settings)), inputs, step.Outputs.ToArray(), 0, "");
    }

    /// <summary>Content fingerprint of a file: <c>sha256:HEX</c>, or <c>size:N;mtime:TICKS</c> above the hash limit.</summary>
    public static string Fingerprint(string path)
    {
        var info = new FileInfo(path);
        if (info.Length > HashLimitBytes) return $"size:{info.Length};mtime:{info.LastWriteTimeUtc.Ticks}";
        using var stream = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private string StampPath(string name) => Path.Combine(StampDirectory, name + ".json");

    private StepStamp? ReadStamp(string name)
    {
        string path = StampPath(name);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<StepStamp>(File.ReadAllText(path), PipelineConfigLoader.JsonOptions);
        }
        catch (JsonException)
        {
            return null; // a damaged stamp only means the step runs again
        }
    }

    private void WriteStamp(string name, StepStamp stamp) =>
        AtomicFile.WriteAllText(StampPath(name), JsonSerializer.Serialize(stamp, PipelineConfigLoader.JsonOptions));

    private void DeleteStamp(string name)
    {
        if (File.Exists(StampPath(name))) File.Delete(StampPath(name));
    }

    /// <summary>Reads the recorded duration of a step's last successful run, or null.</summary>
    public double? LastRunSeconds(string name) => ReadStamp(name)?.Seconds;
}

/// <summary>Contents of a step stamp file.</summary>
/// <param name="SettingsSha256">SHA-256 of the step's canonical settings.</param>
/// <param name="Inputs">Input file → fingerprint.</param>
/// <param name="Outputs">Output files.</param>
/// <param name="Seconds">Wall time of the run that wrote the outputs.</param>
/// <param name="FinishedUtc">When it finished (ISO 8601).</param>
public sealed record StepStamp(string SettingsSha256, SortedDictionary<string, string> Inputs, string[] Outputs, double Seconds, string FinishedUtc)
{
    /// <summary>True when settings, inputs and outputs agree (timings are ignored).</summary>
    public bool Matches(StepStamp other) =>
        SettingsSha256 == other.SettingsSha256 && Outputs.SequenceEqual(other.Outputs)
        && Inputs.Count == other.Inputs.Count && Inputs.All(kv => other.Inputs.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
