using System.CommandLine;

namespace SbiFit.Cli.Commands;

/// <summary>All sbifit sub-commands.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> Build(CliConsole console)
    {
        // h/gen: simulation, reweighting, rates, feature plots, generation benchmark
        yield return GenerateCommand.Create(console);
        yield return ReweightCommand.Create(console);
        yield return RatesCommand.Create(console);
        yield return PlotFeaturesCommand.Create(console);
        yield return BenchGenerateCommand.Create(console);
    }
}
