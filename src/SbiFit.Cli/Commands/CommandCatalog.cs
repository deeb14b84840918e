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

        // Simulation, reweighting, rates, plots.
        yield return GenerateCommand.Create(console);
        yield return ReweightCommand.Create(console);
        yield return RatesCommand.Create(console);
        yield return PlotFeaturesCommand.Create(console);

        // The theory-aware classifier.
        yield return TrainCommand.Build(console);
        yield return PredictCommand.Build(console);
        yield return DiagnoseCommand.Build(console);

        // Likelihood fits and statistical tools.
        yield return FitCommand.Create(console);
        yield return AsimovCommand.Create(console);
        yield return ScanCommand.Create(console);
        yield return ToysCommand.Create(console);

        // Classical binned template fit (HistFactory/pyhf role).
        yield return ClassicalCommand.Create(console);

        // SBI vs classical vs oracle on one test sample.
        yield return CompareCommand.Create(console);

        // Generated code (SOFIE role).
        yield return CodegenCommand.Create(console);
        yield return CacheCommand.Create(console);

        // Benchmarks: every stage measured side by side in one run (medians).
        yield return new Command("bench", "Benchmarks of the SbiFit stages (medians, machine line included).")
        {
            BenchGenerateCommand.Create(console),
            BenchTrainCommand.CreateTrain(console),
            BenchLikelihoodCommand.CreateLikelihood(console),
            BenchClassicalCommand.CreateClassical(console),
        };
    }
}
