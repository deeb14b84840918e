using System.CommandLine;

namespace SbiFit.Cli.Commands;

/// <summary>All sbifit sub-commands.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> Build(CliConsole console)
    {
        // The whole chain in one command.
        yield return DemoCommand.Build(console);
        yield return RunCommand.Build(console);

        // Likelihood fits and statistical tools.
        yield return FitCommand.Create(console);
        yield return AsimovCommand.Create(console);
        yield return ScanCommand.Create(console);
        yield return ToysCommand.Create(console);
    }
}
