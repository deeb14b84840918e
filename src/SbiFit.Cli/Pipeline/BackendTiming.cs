using System.Text.Json;
using SbiFit.Codegen.Backends;
using SbiFit.Data;
using SbiFit.Inference;
using SbiFit.Inference.Likelihood;
using SbiFit.Learning.Onnx;

namespace SbiFit.Cli.Pipeline;

/// <summary>Timing of the SBI NLL per backend on the test sample (times are medians in seconds).</summary>
/// <param name="Events">Test events in the NLL.</param>
/// <param name="ThetaGen">Asimov point whose weights the NLL is built with.</param>
/// <param name="Rows">One row per backend (value, value+gradient, MIGRAD+HESSE, calls, compile).</param>
public sealed record BackendTimingTable(int Events, double[] ThetaGen, LikelihoodBenchmarkRow[] Rows)
{
    /// <summary>Writes the table as JSON (atomic).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, PipelineConfigLoader.JsonOptions));

    /// <summary>Reads a table written by <see cref="Save"/>.</summary>
    public static BackendTimingTable Load(string path) =>
        JsonSerializer.Deserialize<BackendTimingTable>(File.ReadAllText(path), PipelineConfigLoader.JsonOptions)
        ?? throw new InvalidDataException($"{path}: empty timing file");
}

/// <summary>Times the trained model's SBI NLL with every backend (<see cref="LikelihoodBenchmark.Measure"/>).</summary>
internal static class BackendTiming
{
    /// <summary>
    /// Builds the SBI NLL of the test sample (Asimov weights at the first nonzero theta_gen, rate form from the training
    /// sample) once per backend and times value, value+gradient and a MIGRAD+HESSE fit; few repeats (a pipeline step).
    /// </summary>
    public static BackendTimingTable Run(string trainPath, string testPath, string modelPath, PipelineConfig config, IProgress<double> progress,
        int repeats = 3, int fitRepeats = 1)
    {
        var net = OnnxModelReader.Load(modelPath).Network
                  ?? throw new InvalidDataException($"{modelPath}: not a theory-aware network; the generated-code backends need one");
        var names = config.Wilson.Parameters.Select(r => r.Name).ToArray();
        var map = new WilsonParameterMap(names);
        var train = SampleColumns.Read(trainPath);
        var test = SampleColumns.Read(testPath);
        double[] thetaGen = config.Fit.ThetaGen.FirstOrDefault(t => t.Any(v => v != 0)) ?? new double[names.Length];
        var input = new SbiLikelihoodInput
        {
            Parameters = names.Select(n => new Parameter(n, 0.0, 0.1)).ToArray(),
            ThetaParameters = net.ThetaNames.Select(t => names.Contains(t) ? t : null).ToArray(),
            Features = Commands.LikelihoodFactory.Features(test.Table, net),
            Weights = test.Weights(map.ToC(thetaGen)),
            Rate = RateQuadraticForm.FromEvents(train.PackedW),
            StandardModelYield = test.Count,
        };
        double flopsPerEvent = net.Layers.Sum(l => 2.0 * l.Inputs * l.Outputs);
        using var builder = new SbiLikelihoodBuilder(net, modelPath) { Threads = config.Training.Threads };
        var rows = new Dictionary<LikelihoodBackend, LikelihoodBenchmarkRow>();
        foreach (var backend in LikelihoodBenchmark.MeasurementOrder(LikelihoodBackends.All))   // runtime last, as in bench likelihood
        {
            rows[backend] = LikelihoodBenchmark.Measure(builder.Build(backend, input), test.Count, names.Length, flopsPerEvent, 0, repeats, fitRepeats);
            progress.Report((double)rows.Count / LikelihoodBackends.All.Count);
        }
        return new BackendTimingTable(test.Count, thetaGen, LikelihoodBackends.All.Select(b => rows[b]).ToArray());
    }
}
