using System.Text.Json;
using SbiFit.Data;
using SbiFit.Inference.Statistics;

namespace SbiFit.Cli.Pipeline;

/// <summary>Pull summary of one likelihood's pseudo-experiments.</summary>
/// <param name="Likelihood">oracle or sbi.</param>
/// <param name="ThetaGen">Generation point.</param>
/// <param name="Summary">Pull mean/width and coverage.</param>
public sealed record ToySeries(string Likelihood, double[] ThetaGen, ToySummary Summary);

/// <summary>Pseudo-experiments (Poisson bootstrap of the test sample) with the oracle and the SBI likelihoods.</summary>
internal static class ToySteps
{
    /// <summary>Toy file names in the run folder.</summary>
    public const string SummaryFile = "toys.json";

    /// <summary>The toys' theta_gen: the first nonzero theta_gen point (else the SM).</summary>
    public static double[] ThetaGen(PipelineConfig config) =>
        config.Fit.ThetaGen.FirstOrDefault(t => t.Any(v => v != 0)) ?? new double[config.Wilson.Parameters.Length];

    /// <summary>Runs <c>fit.toys</c> toys per likelihood; writes toys_LIKELIHOOD.csv and toys.json into <paramref name="runDir"/>.</summary>
    public static ToySeries[] Run(string runDir, PipelineConfig config, IProgress<double> progress)
    {
        var train = EventTableIO.Read(Path.Combine(runDir, PipelineDefinition.TrainFile));
        var test = EventTableIO.Read(Path.Combine(runDir, PipelineDefinition.TestFile));
        var names = config.Wilson.Parameters.Select(r => r.Name).ToArray();
        double[] thetaGen = ThetaGen(config);
        var series = new List<ToySeries>();
        foreach (var kind in new[] { "oracle", "sbi" })
        {
            // The oracle's rate form comes from the test sample itself (as in its Asimov series); the SBI one from the training sample.
            using var loaded = Commands.LikelihoodFactory.Build(test, kind == "sbi" ? train : null, names, kind,
                Path.Combine(runDir, PipelineDefinition.ModelFile), config.Fit.Backend, Array.Empty<string>());
            int offset = series.Count;
            var toys = ToyStudy.Run(loaded.Setup, thetaGen, config.Fit.Toys, config.Fit.ToySeed, new ToyOptions(), loaded.BaseWeights,
                new ScaledProgress(progress, offset / 2.0, 0.5));
            ToyStudy.WriteCsv(toys, Path.Combine(runDir, $"toys_{kind}.csv"));
            series.Add(new ToySeries(kind, thetaGen, ToyStudy.Summarise(toys)));
        }
        var result = series.ToArray();
        AtomicFile.WriteAllText(Path.Combine(runDir, SummaryFile), JsonSerializer.Serialize(result, PipelineConfigLoader.JsonOptions));
        return result;
    }

    /// <summary>Reads toys.json, or null when the run has no toys.</summary>
    public static ToySeries[]? Load(string runDir)
    {
        string path = Path.Combine(runDir, SummaryFile);
        return File.Exists(path) ? JsonSerializer.Deserialize<ToySeries[]>(File.ReadAllText(path), PipelineConfigLoader.JsonOptions) : null;
    }
}

/// <summary>Reports offset + scale·p to the sink synchronously (no thread-pool hop, so the bar never runs backwards after the work).</summary>
internal sealed class ScaledProgress(IProgress<double> sink, double offset, double scale) : IProgress<double>
{
    public void Report(double value) => sink.Report(offset + scale * value);
}
