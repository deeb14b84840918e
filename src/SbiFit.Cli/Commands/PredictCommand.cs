using System.CommandLine;
using System.Globalization;
using System.Text;
using SbiFit.Data;
using SbiFit.Learning;
using SbiFit.Learning.Onnx;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit predict</c>: evaluates any ONNX model on every row of a table (to compare with another tool).</summary>
internal static class PredictCommand
{
    public static Command Build(CliConsole console)
    {
        var model = new Option<string>("--model") { Description = "ONNX model", Required = true };
        var input = new Option<string>("--in") { Description = "Parquet/CSV with the model's feature and theta columns", Required = true };
        var output = new Option<string>("--out") { Description = "output CSV (row, logit, sigmoid)", Required = true };
        var backend = new Option<string>("--backend") { Description = "interpreted (our kernels / graph interpreter) or runtime (ONNX Runtime)", DefaultValueFactory = _ => "interpreted" };
        var command = new Command("predict", "Write the model's logit and sigmoid for every row of a table.");
        foreach (var o in new Option[] { model, input, output, backend }) command.Options.Add(o);
        command.SetSafeAction(console, parse =>
        {
            string modelPath = parse.GetValue(model)!, inPath = parse.GetValue(input)!, outPath = parse.GetValue(output)!;
            using var logits = ModelInputs.Open(modelPath, parse.GetValue(backend)!);
            var table = EventTableIO.Read(inPath);
            var (x, theta) = ModelInputs.Gather(table, logits.Model, inPath);
            int rows = table.RowCount;
            var result = new float[rows];
            logits.Model.Logits(x, theta, rows, result);
            var text = new StringBuilder("row,logit,sigmoid\n");
            for (int i = 0; i < rows; i++)
            {
                double l = result[i];
                text.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',')
                    .Append(l.ToString("R", CultureInfo.InvariantCulture)).Append(',')
                    .Append((1.0 / (1.0 + Math.Exp(-l))).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }
            AtomicFile.WriteAllText(outPath, text.ToString());
            console.Out.WriteLine($"wrote {rows} predictions to {outPath}");
            return 0;
        });
        return command;
    }
}

/// <summary>Loads a model with the chosen backend and gathers its inputs from a table by name.</summary>
internal sealed class ModelInputs : IDisposable
{
    private ModelInputs(ILogitModel model) => Model = model;

    public ILogitModel Model { get; }

    public static ModelInputs Open(string path, string backend) => backend.Trim().ToLowerInvariant() switch
    {
        // Our kernels when the graph is the theory-aware pattern, else the graph interpreter.
        "interpreted" => new ModelInputs(OnnxModelReader.Load(path) is var m && m.Network is { } net ? net : m),
        "runtime" => new ModelInputs(new OnnxRuntimeLogitModel(path, threads: Environment.ProcessorCount)),
        _ => throw new CliUsageException($"--backend '{backend}': expected interpreted or runtime."),
    };

    /// <summary>
    /// Features by name; theta input <c>t</c> from column <c>theta_t</c> or <c>t</c>. Lists every missing column at once.
    /// </summary>
    public static (float[] X, float[] Theta) Gather(EventTable table, ILogitModel model, string source)
    {
        var missing = new List<string>();
        var featureCols = model.FeatureNames.Select(f => table.TryGetColumn(f, out var c) ? c : Missing(f)).ToArray();
        var thetaCols = model.ThetaNames.Select(t =>
            table.TryGetColumn(EventSchema.ThetaPrefix + t, out var c) || table.TryGetColumn(t, out c) ? c : Missing($"{EventSchema.ThetaPrefix}{t} (or {t})")).ToArray();
        if (missing.Count > 0)
            throw new DataException($"{source} lacks the model's input column(s): {string.Join(", ", missing)} " +
                                    $"(available: {string.Join(", ", table.ColumnNames)}).", source);
        return (FeatureMatrix.RowMajor(featureCols!, model.FeatureNames, source), FeatureMatrix.RowMajor(thetaCols!, model.ThetaNames, source));

        double[]? Missing(string name) { missing.Add(name); return null; }
    }

    public void Dispose() => (Model as IDisposable)?.Dispose();
}
