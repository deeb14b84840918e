using System.Globalization;
using SbiFit.Data;
using SbiFit.Learning;
using SbiFit.Learning.Onnx;
using SbiFit.Reporting;

namespace SbiFit.Cli.Commands;

/// <summary>The trained model's files: ONNX model, loss curves CSV and PNG.</summary>
internal sealed record TrainedModel(TrainingResult Result, int Events, string ModelPath, string LossCsv, string LossPng);

/// <summary>
/// Training set → trainer → ONNX + loss curves, shared by <c>sbifit train</c> and the pipeline's train step so both write
/// the same files with the same metadata.
/// </summary>
internal static class ModelTraining
{
    public static TrainedModel TrainAndSave(EventTable table, string dataName, IReadOnlyList<ThetaRange> ranges, TrainingOptions options,
        TrainingSetOptions setOptions, string outPath, IProgress<EpochReport>? progress, Action<string>? log = null)
    {
        var set = TrainingSetBuilder.Build(table, ranges, options.Seed, setOptions);
        log?.Invoke($"training on {set.Count} events ({2 * set.Count} labelled rows), theta {string.Join(", ", ranges.Select(r => r.ToString()))}");
        var result = Trainer.Train(set, options, progress);
        var metadata = new Dictionary<string, string>
        {
            ["theta_ranges"] = string.Join(";", ranges.Select(r => r.ToString())),
            ["training_data"] = dataName,
            ["training_events"] = set.Count.ToString(CultureInfo.InvariantCulture),
            ["training_settings"] = FormattableString.Invariant(
                $"hidden={string.Join(",", options.HiddenSizes)};activation={options.Activation};epochs={options.Epochs};lr={options.LearningRate};l2={options.L2};batch={options.BatchSize};patience={options.EarlyStoppingPatience};polish={options.PolishIterations};latent_inputs={options.LatentInputsFor(ranges.Count)}"),
            ["seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
            ["best_epoch"] = result.BestEpoch.ToString(CultureInfo.InvariantCulture),
            ["normalisation"] = "w_SM' = N w_SM/I(0), w_NP' = N w(x;theta)/I(theta), NP sum rescaled to the SM sum",
        };
        OnnxModelWriter.Save(result.Network, outPath, metadata);
        string stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(outPath))!, Path.GetFileNameWithoutExtension(outPath));
        result.WriteLossCurves(stem + ".loss.csv");
        Plots.Save(stem + ".loss.png", LossPlot(result.TrainLoss, result.TestLoss));
        log?.Invoke(FormattableString.Invariant(
            $"done in {result.Seconds:F1} s: final train loss {result.TrainLoss[^1]:F6}, test loss {result.TestLoss[^1]:F6}, best epoch {result.BestEpoch}"));
        if (result.Polish is { } polish)
            log?.Invoke(FormattableString.Invariant(
                $"L-BFGS polish: {polish.Evaluations} evaluations in {polish.Seconds:F1} s, train loss {polish.TrainLoss:F6}, test loss {polish.TestLoss:F6}"));
        return new TrainedModel(result, set.Count, outPath, stem + ".loss.csv", stem + ".loss.png");
    }

    /// <summary>
    /// Compiles the fit-structure NLL kernels of the trained network's architecture into the codegen disk cache
    /// (<see cref="Codegen.NllCodeGenerator.PrecompileForFits"/>), so a later <c>fit --backend codegen-ad</c> loads them.
    /// A network the code generator cannot handle is reported and skipped, not an error: training succeeded.
    /// </summary>
    public static void PrecompileForFits(TheoryAwareNetwork network, Action<string> log)
    {
        try
        {
            var r = Codegen.NllCodeGenerator.PrecompileForFits(network, new Codegen.CodeCache());
            log(FormattableString.Invariant(
                $"NLL kernels for fits (codegen backends): {(r.CacheHit ? "already in the cache" : $"compiled in {r.Seconds:F2} s")} (key {r.CacheKey[..12]})"));
        }
        catch (Exception ex) when (ex is Codegen.CodegenException or IOException or UnauthorizedAccessException or Data.DataException)
        {
            log($"NLL kernels for fits not precompiled: {ex.Message}");
        }
    }

    /// <summary>Training and validation loss per epoch as a PNG.</summary>
    public static byte[] LossPlot(double[] train, double[] test)
    {
        var epochAxis = Enumerable.Range(1, train.Length).Select(e => (double)e).ToArray();
        return Plots.Lines("Training loss", "epoch", "weighted BCE", [("train", epochAxis, train), ("test", epochAxis, test)]);
    }

    /// <summary>Parses relu, tanh or silu.</summary>
    public static Activation ParseActivation(string text) => text.Trim().ToLowerInvariant() switch
    {
        "relu" => Activation.ReLU,
        "tanh" => Activation.Tanh,
        "silu" => Activation.SiLU,
        _ => throw new CliUsageException($"activation '{text}': expected relu, tanh or silu."),
    };
}
