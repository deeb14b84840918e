using System.CommandLine;
using System.Globalization;
using SbiFit.Data;
using SbiFit.Learning;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit train</c>: builds the seed-normalised training set and trains the theory-aware classifier.</summary>
internal static class TrainCommand
{
    public static Command Build(CliConsole console)
    {
        var data = new Option<string>("--data") { Description = "Parquet/CSV with feature and w_re_ij/w_im_ij columns (from `sbifit generate`)", Required = true };
        var theta = new Option<string[]>("--theta") { Description = "theta component and training range NAME:LO:HI (repeatable), e.g. V_R:-1:1", Required = true };
        var output = new Option<string>("--out") { Description = "output ONNX model", Required = true };
        var features = new Option<string?>("--features") { Description = "comma-separated feature columns (default q2,cos_theta_d,cos_theta_l,chi,m2_miss)" };
        var baseWeight = new Option<string?>("--base-weight") { Description = "optional per-event base weight column" };
        var hidden = new Option<string>("--hidden") { Description = "hidden layer widths", DefaultValueFactory = _ => "100,100" };
        var activation = new Option<string>("--activation") { Description = "relu|tanh|silu", DefaultValueFactory = _ => "relu" };
        var latent = new Option<int?>("--latent-inputs")
        {
            Description = "latent input dimensions reached only through theta*V (default: one per theta; 0 = the seed's pure shift x + v(theta))",
        };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 1000 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 0.005 };
        var l2 = new Option<double>("--l2") { DefaultValueFactory = _ => 1e-4 };
        var batch = new Option<int>("--batch-size") { Description = "rows per step, 0 = full batch", DefaultValueFactory = _ => 0 };
        var patience = new Option<int>("--patience") { Description = "early stopping patience in epochs, 0 = off", DefaultValueFactory = _ => 0 };
        var polish = new Option<int>("--polish")
        {
            Description = "full-batch L-BFGS iterations after Adam (0 = off); keeps the lowest held-out loss, lowers the learned ratio's error",
            DefaultValueFactory = _ => 0,
        };
        var seed = new Option<ulong>("--seed") { DefaultValueFactory = _ => 42UL };
        var threads = new Option<int>("--threads") { Description = "0 = all cores", DefaultValueFactory = _ => 0 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "write <out>.ckpt every N epochs", DefaultValueFactory = _ => 0 };
        var resume = new Option<string?>("--resume") { Description = "checkpoint to resume from" };
        var noPrecompile = new Option<bool>("--no-precompile")
        {
            Description = "do not compile the generated NLL kernels for this architecture into the codegen disk cache after training " +
                          "(by default they are, so fits with --backend codegen or codegen-ad load them instead of compiling)",
        };

        var command = new Command("train", "Train the theory-aware classifier s(x, theta) and save it as ONNX (+ loss curves CSV/PNG).");
        foreach (var o in new Option[] { data, theta, output, features, baseWeight, hidden, activation, latent, epochs, lr, l2, batch, patience, polish, seed, threads, checkpointEvery, resume, noPrecompile })
            command.Options.Add(o);
        command.SetSafeAction(console, parse =>
        {
            string outPath = parse.GetValue(output)!;
            var ranges = parse.GetValue(theta)!.Select(ThetaRange.Parse).ToArray();
            var featureNames = ParseList(parse.GetValue(features)) ?? EventSchema.Features.ToArray();
            var options = new TrainingOptions
            {
                HiddenSizes = ParseHidden(parse.GetValue(hidden)!),
                Activation = ParseActivation(parse.GetValue(activation)!),
                LatentInputs = parse.GetValue(latent),
                Epochs = parse.GetValue(epochs), LearningRate = parse.GetValue(lr), L2 = parse.GetValue(l2),
                BatchSize = parse.GetValue(batch), EarlyStoppingPatience = parse.GetValue(patience), PolishIterations = parse.GetValue(polish), Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads), CheckpointEvery = parse.GetValue(checkpointEvery),
                CheckpointPath = outPath + ".ckpt", ResumeFrom = parse.GetValue(resume),
            };
            string dataPath = parse.GetValue(data)!;
            var table = EventTableIO.Read(dataPath);
            var trained = console.WithProgress($"train {options.Epochs} epochs", progress =>
                ModelTraining.TrainAndSave(table, Path.GetFileName(dataPath), ranges, options,
                    new TrainingSetOptions { Features = featureNames, BaseWeightColumn = parse.GetValue(baseWeight) }, outPath,
                    new EpochProgress(progress, console, options.Epochs), console.Out.WriteLine));
            console.Out.WriteLine($"model: {outPath}; loss curves: {trained.LossCsv}, {trained.LossPng}");
            if (!parse.GetValue(noPrecompile)) ModelTraining.PrecompileForFits(trained.Result.Network, console.Out.WriteLine);
            return 0;
        });
        return command;
    }

    internal static string[]? ParseList(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int[] ParseHidden(string text)
    {
        var parts = ParseList(text) ?? [];
        var sizes = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] <= 0)
                throw new CliUsageException($"--hidden '{text}': widths must be positive integers, e.g. 100,100.");
        if (sizes.Length == 0) throw new CliUsageException("--hidden needs at least one layer width.");
        return sizes;
    }

    private static Activation ParseActivation(string text) => ModelTraining.ParseActivation(text);

    /// <summary>Forwards epochs to the progress bar and prints a loss line every ~10 % in plain mode.</summary>
    internal sealed class EpochProgress(IProgress<double> bar, CliConsole console, int epochs) : IProgress<EpochReport>
    {
        private readonly int _every = Math.Max(1, epochs / 10);

        public void Report(EpochReport r)
        {
            bar.Report((double)r.Epoch / r.Epochs);
            if (!console.Interactive && (r.Epoch % _every == 0 || r.Epoch == r.Epochs))
                console.Out.WriteLine(FormattableString.Invariant($"epoch {r.Epoch}/{r.Epochs}: train {r.TrainLoss:F6}, test {r.TestLoss:F6}"));
        }
    }
}
