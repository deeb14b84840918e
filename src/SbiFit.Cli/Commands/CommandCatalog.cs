using System.CommandLine;

namespace SbiFit.Cli.Commands;

/// <summary>All sbifit sub-commands.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> Build(CliConsole console)
    {
        yield return ClassicalCommand.Create(console);
        yield return BenchClassicalCommand.Create(console);
    }
}
