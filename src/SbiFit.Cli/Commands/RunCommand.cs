using System.CommandLine;
using SbiFit.Cli.Pipeline;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit run CONFIG</c>: the pipeline from a YAML or JSON configuration.</summary>
internal static class RunCommand
{
    public static Command Build(CliConsole console)
    {
        var config = new Argument<string>("config") { Description = "Configuration file (.yaml, .yml or .json; see examples/demo.yaml)" };
        var force = new Option<bool>("--force") { Description = "Redo every step even when its outputs are up to date" };
        var command = new Command("run", "Run the SbiFit pipeline from a configuration file; completed steps are skipped on re-runs.")
        {
            config, force,
        };
        command.SetSafeAction(console, parse =>
        {
            PipelineRun.Execute(PipelineConfigLoader.Load(parse.GetValue(config)!), console, parse.GetValue(force));
            return 0;
        });
        return command;
    }
}
