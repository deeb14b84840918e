using System.CommandLine;

namespace SbiFit.Cli.Commands;

/// <summary>All sbifit sub-commands.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> Build(CliConsole console)
    {
        yield return TrainCommand.Build(console);
        yield return PredictCommand.Build(console);
        yield return DiagnoseCommand.Build(console);
        yield return BenchTrainCommand.Build(console);
    }
}
