using SbiFit.Data;
using SbiFit.Physics.Detector;

namespace SbiFit.Cli.Pipeline;

/// <summary>
/// The SbiFit workflow as ordered steps: generate + reweight (train, test) → train → diagnose → Asimov series (oracle,
/// classical, SBI) → toys (when fit.toys &gt; 0; otherwise listed as <see cref="PipelineStep.Unavailable"/>) → backend
/// timing → comparison.
/// </summary>
public static class PipelineDefinition
{
    /// <summary>Sample file names in the run folder.</summary>
    public const string TrainFile = "train.parquet", TestFile = "test.parquet";

    /// <summary>Result file names in the run folder.</summary>
    public const string OracleFile = "asimov_oracle.json", ClassicalFile = "asimov_classical.json", SbiFile = "asimov_sbi.json",
        ComparisonFile = "comparison.csv", TimingFile = "backend_timing.json";

    /// <summary>Trained model and its loss curves in the run folder.</summary>
    public const string ModelFile = "model.onnx", LossCsvFile = "model.loss.csv", LossPngFile = "model.loss.png";

    /// <summary>Folder of the learned-ratio diagnostics and its summary (lists the PNGs with captions).</summary>
    public const string DiagnosticsDir = "diagnostics", DiagnosticsSummary = "diagnostics/" + Commands.DiagnosticsOutputs.SummaryFile;

    /// <summary>Builds the steps for <paramref name="config"/>; <paramref name="simulation"/> defaults to <see cref="GeneratorSimulation"/>.</summary>
    public static IReadOnlyList<PipelineStep> Build(PipelineConfig config, ISampleSimulation? simulation = null)
    {
        simulation ??= new GeneratorSimulation();
        var lepton = PipelineConfigValidator.ParseLepton(config.Generator.Lepton);
        string J<T>(T v) => PipelineConfigLoader.ToJson(v);
        PipelineStep Generate(string name, string file, long events, ulong seed) =>
            new(name, $"Generate + reweight {name["generate_".Length..]} sample ({events:N0} events)", Array.Empty<string>(),
                J(new { events, seed, config.Generator }), new[] { file }, ctx =>
                {
                    var gen = new GeneratorConfig
                    {
                        Events = events, Seed = seed, LeptonMass = Physics.PhysicsConstants.Mass(lepton),
                        TruthOnly = config.Generator.TruthOnly, Threads = config.Training.Threads, Detector = config.Generator.Detector,
                    };
                    EventTableIO.Write(simulation.Simulate(gen, lepton, ctx.Progress), ctx.PathOf(file));
                });

        string fitSettings = J(new { config.Wilson, config.Fit.ThetaGen, config.Fit.ScanPoints, config.Fit.Minos });
        return new[]
        {
            Generate("generate_train", TrainFile, config.Events.Train, config.Seed),
            Generate("generate_test", TestFile, config.Events.Test, config.Seed + PipelineConfig.TestSeedOffset),
            new("train", $"Train theory-aware classifier ({config.Training.Epochs} epochs)", new[] { TrainFile },
                J(new { config.Seed, config.Wilson, config.Network, config.Training }), new[] { ModelFile, LossCsvFile, LossPngFile },
                ctx => PipelineSteps.Train(ctx.PathOf(TrainFile), ctx.PathOf(ModelFile), config, ctx.Progress)),
            new("diagnose", "Learned-ratio diagnostics (test sample)", new[] { TestFile, ModelFile }, J(new { config.Wilson, bins = PipelineSteps.DiagnosticBins }),
                new[] { DiagnosticsSummary }, ctx => PipelineSteps.Diagnose(ctx.PathOf(TestFile), ctx.PathOf(ModelFile), ctx.PathOf(DiagnosticsDir), config)),
            new("asimov_oracle", "Asimov series: truth-level oracle", new[] { TestFile }, fitSettings, new[] { OracleFile },
                ctx => AsimovSteps.Oracle(SampleColumns.Read(ctx.PathOf(TestFile)), config, ctx.Progress).Save(ctx.PathOf(OracleFile))),
            new("asimov_classical", "Asimov series: classical template fit", new[] { TrainFile, TestFile },
                J(new { fit = fitSettings, config.Classical }), new[] { ClassicalFile },
                ctx => AsimovSteps.Classical(EventTableIO.Read(ctx.PathOf(TrainFile)), EventTableIO.Read(ctx.PathOf(TestFile)), config, ctx.Progress)
                    .Save(ctx.PathOf(ClassicalFile))),
            new("asimov_sbi", $"Asimov series: SBI (learned likelihood, {config.Fit.Backend})", new[] { TrainFile, TestFile, ModelFile },
                J(new { fit = fitSettings, config.Fit.Backend }), new[] { SbiFile },
                ctx => AsimovSteps.Sbi(EventTableIO.Read(ctx.PathOf(TrainFile)), EventTableIO.Read(ctx.PathOf(TestFile)), ctx.PathOf(ModelFile),
                    config.Fit.Backend, config, ctx.Progress).Save(ctx.PathOf(SbiFile))),
            config.Fit.Toys == 0
                ? PipelineStep.Unavailable("toys", "Pseudo-experiments", "fit.toys = 0 (Asimov only)")
                : new("toys", $"Pseudo-experiments ({config.Fit.Toys} per likelihood, oracle and SBI)", new[] { TrainFile, TestFile, ModelFile },
                    J(new { config.Wilson, config.Fit }), new[] { ToySteps.SummaryFile, "toys_oracle.csv", "toys_sbi.csv" },
                    ctx => ToySteps.Run(ctx.RunDirectory, config, ctx.Progress)),
            new("backend_timing", "Backend timing table (SBI NLL, four backends)", new[] { TrainFile, TestFile, ModelFile },
                J(new { config.Wilson, config.Fit.ThetaGen, config.Training.Threads }), new[] { TimingFile },
                ctx => BackendTiming.Run(ctx.PathOf(TrainFile), ctx.PathOf(TestFile), ctx.PathOf(ModelFile), config, ctx.Progress).Save(ctx.PathOf(TimingFile))),
            new("comparison", "Comparison table", new[] { OracleFile, ClassicalFile, SbiFile }, "v1", new[] { ComparisonFile },
                ctx => Comparison.WriteCsv(Comparison.Build(LoadSeries(ctx.RunDirectory)), ctx.PathOf(ComparisonFile))),
        };
    }

    /// <summary>Asimov series present in the run folder (sbi, classical, oracle), in that order.</summary>
    public static IReadOnlyList<AsimovSeries> LoadSeries(string runDirectory) =>
        new[] { SbiFile, ClassicalFile, OracleFile }.Select(f => Path.Combine(runDirectory, f)).Where(File.Exists).Select(AsimovSeries.Load).ToArray();
}
