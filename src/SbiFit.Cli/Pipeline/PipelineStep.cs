namespace SbiFit.Cli.Pipeline;

/// <summary>
/// One pipeline step: a name, the files it reads and writes (relative to the run folder), a canonical settings string
/// (JSON of the config slice it depends on) and the action. A step with a null <see cref="Run"/> is an extension point
/// that is switched off (e.g. toys with fit.toys = 0); it is reported with <see cref="UnavailableReason"/>, never faked.
/// </summary>
/// <param name="Name">Identifier (also the stamp file name, <c>.steps/NAME.json</c>).</param>
/// <param name="Title">Human-readable description shown in progress and summary.</param>
/// <param name="Inputs">Files read (relative to the run folder); their content fingerprints enter the stamp.</param>
/// <param name="Settings">Canonical settings text; its SHA-256 enters the stamp.</param>
/// <param name="Outputs">Files written (relative to the run folder); all must exist for the step to be skipped.</param>
/// <param name="Run">The work; null when the step is switched off.</param>
/// <param name="UnavailableReason">Why the step cannot run (shown in summary and report).</param>
public sealed record PipelineStep(string Name, string Title, IReadOnlyList<string> Inputs, string Settings,
    IReadOnlyList<string> Outputs, Action<StepContext>? Run, string? UnavailableReason = null)
{
    /// <summary>An extension point that this build cannot execute.</summary>
    public static PipelineStep Unavailable(string name, string title, string reason) =>
        new(name, title, Array.Empty<string>(), "", Array.Empty<string>(), null, reason);
}

/// <summary>What a step action gets: the run folder, a progress sink and a way to resolve its file names.</summary>
/// <param name="RunDirectory">Absolute run folder.</param>
/// <param name="Progress">Progress fraction 0..1 of this step.</param>
public sealed record StepContext(string RunDirectory, IProgress<double> Progress)
{
    /// <summary>Absolute path of a file in the run folder.</summary>
    public string PathOf(string relative) => Path.Combine(RunDirectory, relative);
}

/// <summary>Status of a step after a pipeline run.</summary>
public enum StepStatus
{
    /// <summary>Executed in this run.</summary>
    Ran,
    /// <summary>Outputs up to date (stamp matched); not executed.</summary>
    Skipped,
    /// <summary>Not available in this build.</summary>
    Unavailable,
}

/// <summary>Outcome of one step.</summary>
/// <param name="Name">Step name.</param>
/// <param name="Title">Step description.</param>
/// <param name="Status">Ran, skipped or unavailable.</param>
/// <param name="Seconds">Wall time in this run (0 when skipped).</param>
/// <param name="LastRunSeconds">Wall time of the run that produced the current outputs (null when unavailable).</param>
/// <param name="Note">Reason for unavailability, or null.</param>
public sealed record StepOutcome(string Name, string Title, StepStatus Status, double Seconds, double? LastRunSeconds, string? Note);
