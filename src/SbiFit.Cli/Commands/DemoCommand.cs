using System.CommandLine;
using SbiFit.Cli.Pipeline;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit demo</c>: the whole pipeline on built-in small defaults.</summary>
internal static class DemoCommand
{
    public static Command Build(CliConsole console)
    {
        var outOption = new Option<string>("--out") { Description = "Run folder", DefaultValueFactory = _ => new PipelineConfig().Out };
        var force = new Option<bool>("--force") { Description = "Redo every step even when its outputs are up to date" };
        var events = new Option<long?>("--events") { Description = "Generated training events (test: half of it)" };
        var epochs = new Option<int?>("--epochs") { Description = "Training epochs" };
        var command = new Command("demo", "Run the full SbiFit workflow on built-in defaults (generate, train, diagnose, SBI/classical/oracle Asimov series, backend timing, comparison, report).")
        {
            outOption, force, events, epochs,
        };
        command.SetSafeAction(console, parse =>
        {
            var c = new PipelineConfig { Out = parse.GetValue(outOption)! };
            if (parse.GetValue(events) is { } n)
                c = c with { Events = new EventCounts { Train = n, Test = Math.Max(1, n / 2) } };
            if (parse.GetValue(epochs) is { } e) c = c with { Training = c.Training with { Epochs = e } };
            PipelineRun.Execute(c, console, parse.GetValue(force));
            return 0;
        });
        return command;
    }
}
