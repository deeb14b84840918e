using SbiFit.Cli.Commands;
using SbiFit.Data;
using SbiFit.Learning;

namespace SbiFit.Cli.Pipeline;

/// <summary>Pipeline steps that wrap the shared command code (training, diagnostics, timing).</summary>
internal static class PipelineSteps
{
    /// <summary>Trains the classifier on the training sample over the WC ranges; writes model.onnx and the loss curves.</summary>
    public static TrainedModel Train(string trainPath, string modelPath, PipelineConfig config, IProgress<double> progress)
    {
        var t = config.Training;
        var options = new TrainingOptions
        {
            HiddenSizes = config.Network.Hidden, Activation = ModelTraining.ParseActivation(config.Network.Activation),
            LatentInputs = config.Network.LatentInputs,
            Epochs = t.Epochs, LearningRate = t.LearningRate, L2 = t.L2, BatchSize = t.BatchSize,
            EarlyStoppingPatience = t.Patience, PolishIterations = t.Polish, Seed = config.Seed, Threads = t.Threads, ValidationFraction = t.ValidationFraction,
        };
        var ranges = config.Wilson.Parameters.Select(r => new ThetaRange(r.Name, r.Lo, r.Hi)).ToArray();
        var table = EventTableIO.Read(trainPath);
        return ModelTraining.TrainAndSave(table, Path.GetFileName(trainPath), ranges, options, new TrainingSetOptions(), modelPath,
            new Progress(progress));
    }

    /// <summary>Histogram bins of the marginal-ratio diagnostics.</summary>
    public const int DiagnosticBins = 20;

    /// <summary>
    /// Learned-ratio diagnostics on the test sample at θ = lo/2 and hi/2 of the first WC (the others at 0): marginal ratios,
    /// ROC/AUC, calibration and the per-event learned vs exact log-ratio, as CSV + PNG in <paramref name="dir"/>.
    /// </summary>
    public static void Diagnose(string testPath, string modelPath, string dir, PipelineConfig config)
    {
        var first = config.Wilson.Parameters[0];
        var table = EventTableIO.Read(testPath);
        var results = DiagnosticsOutputs.Probe(modelPath, table, testPath, names =>
            new[] { first.Lo / 2, first.Hi / 2 }.Select(v =>
            {
                var theta = new double[names.Count];
                int k = names.ToList().IndexOf(first.Name);
                if (k < 0) throw new InvalidDataException($"{modelPath}: theta '{first.Name}' is not an input of the model ({string.Join(", ", names)})");
                theta[k] = v;
                return theta;
            }).ToArray(), DiagnosticBins);
        DiagnosticsOutputs.Write(dir, results, Path.GetFileName(modelPath), Path.GetFileName(testPath));
    }

    /// <summary>The diagnostics PNGs (file relative to the diagnostics folder, caption) listed in its summary.json.</summary>
    public static IReadOnlyList<(string File, string Caption)> DiagnosticImages(string dir)
    {
        string summary = Path.Combine(dir, DiagnosticsOutputs.SummaryFile);
        if (!File.Exists(summary)) return Array.Empty<(string, string)>();
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(summary));
        return doc.RootElement.GetProperty("images").EnumerateArray()
            .Select(e => (e[0].GetString()!, e[1].GetString()!)).ToArray();
    }

    /// <summary>Epoch reports as a step fraction (synchronous: no thread-pool hop as with <see cref="Progress{T}"/>).</summary>
    private sealed class Progress(IProgress<double> sink) : IProgress<EpochReport>
    {
        public void Report(EpochReport r) => sink.Report((double)r.Epoch / r.Epochs);
    }
}
