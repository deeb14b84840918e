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
            Epochs = t.Epochs, LearningRate = t.LearningRate, L2 = t.L2, BatchSize = t.BatchSize,
            EarlyStoppingPatience = t.Patience, Seed = config.Seed, Threads = t.Threads, ValidationFraction = t.ValidationFraction,
        };
        var ranges = config.Wilson.Parameters.Select(r => new ThetaRange(r.Name, r.Lo, r.Hi)).ToArray();
        var table = EventTableIO.Read(trainPath);
        return ModelTraining.TrainAndSave(table, Path.GetFileName(trainPath), ranges, options, new TrainingSetOptions(), modelPath,
            new Progress(progress));
    }

    /// <summary>Epoch reports as a step fraction (synchronous: no thread-pool hop as with <see cref="Progress{T}"/>).</summary>
    private sealed class Progress(IProgress<double> sink) : IProgress<EpochReport>
    {
        public void Report(EpochReport r) => sink.Report((double)r.Epoch / r.Epochs);
    }
}
