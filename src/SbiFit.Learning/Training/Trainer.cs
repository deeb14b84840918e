using System.Diagnostics;
using SbiFit.Learning.Kernels;
using SbiFit.Physics;

namespace SbiFit.Learning;

/// <summary>Trains a <see cref="TheoryAwareNetwork"/> with SbiFit's own float32 kernels and Adam.</summary>
public static class Trainer
{
    /// <summary>Events per kernel block (a multiple of the GEMM tile width).</summary>
    internal const int BlockWidth = 192;

    /// <summary>
    /// Trains on <paramref name="data"/> (80/20 split, standardisation, duplicated labelled rows), reporting each epoch to
    /// <paramref name="progress"/>. Same data, options and seed give bit-identical weights for any thread count.
    /// Throws <see cref="TrainingDataException"/> for unusable data and <see cref="ArgumentException"/> for bad options.
    /// </summary>
    public static TrainingResult Train(TrainingData data, TrainingOptions options, IProgress<EpochReport>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var clock = Stopwatch.StartNew();
        var split = TrainingSplit.Create(data, options.Seed, options.ValidationFraction);
        var layout = NetworkLayout.ForTraining(data.FeatureNames.Count, options.LatentInputsFor(data.ThetaNames.Count),
            data.ThetaNames.Count, options.HiddenSizes,
            options.Activation, options.LeakySlope);
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        string fingerprint = Fingerprint(data, options);

        var p = InitialParameters(layout, options.Seed);
        var adam = new AdamState(layout.ParameterCount);
        List<double> trainLoss = [], testLoss = [];
        int bestEpoch = 0, startEpoch = 0;
        double bestTest = double.PositiveInfinity;
        var bestP = (float[])p.Clone();
        if (options.ResumeFrom is { } resume)
        {
            var ck = Checkpoint.Load(resume, fingerprint);
            p = ck.Parameters; adam = ck.Adam; trainLoss = ck.TrainLoss; testLoss = ck.TestLoss;
            bestEpoch = ck.BestEpoch; bestTest = ck.BestTestLoss; bestP = ck.BestParameters; startEpoch = ck.EpochsDone;
        }

        var trainRunner = new BatchRunner<float>(layout, split.Train, threads, BlockWidth);
        var testRunner = new BatchRunner<float>(layout, split.Test, threads, BlockWidth);
        var trainRows = Identity(split.Train.Rows);
        var testRows = Identity(split.Test.Rows);
        var grad = new double[layout.ParameterCount];
        int batch = options.BatchSize > 0 ? Math.Min(options.BatchSize, split.Train.Rows) : split.Train.Rows;

        for (int epoch = startEpoch; epoch < options.Epochs; epoch++)
        {
            if (StoppedEarly(options, epoch, bestEpoch)) break;
            cancellationToken.ThrowIfCancellationRequested();
            double epochLoss;
            if (batch == split.Train.Rows)
            {
                epochLoss = trainRunner.Evaluate(p, trainRows, 0, trainRows.Length, grad);
                adam.Update(p, grad, options.LearningRate, options.L2);
            }
            else
            {
                Shuffle(trainRows, new Rng(options.Seed, 1000 + (ulong)epoch));
                double weighted = 0, total = 0;
                for (int s = 0; s < trainRows.Length; s += batch)
                {
                    int n = Math.Min(batch, trainRows.Length - s);
                    double w = 0;
                    for (int r = s; r < s + n; r++) w += split.Train.Weight[trainRows[r]];
                    if (w <= 0) continue; // a batch of zero-weight rows carries no gradient
                    weighted += w * trainRunner.Evaluate(p, trainRows, s, n, grad);
                    total += w;
                    adam.Update(p, grad, options.LearningRate, options.L2);
                }
                epochLoss = weighted / total;
            }
            double test = testRunner.Evaluate(p, testRows, 0, testRows.Length, null);
            if (!double.IsFinite(epochLoss) || !double.IsFinite(test))
                throw new InvalidOperationException($"training diverged at epoch {epoch + 1} (loss {epochLoss}, test {test}); lower the learning rate.");
            trainLoss.Add(epochLoss); testLoss.Add(test);
            if (test < bestTest) { bestTest = test; bestEpoch = epoch + 1; Array.Copy(p, bestP, p.Length); }
            progress?.Report(new EpochReport(epoch + 1, options.Epochs, epochLoss, test));
            if (options.CheckpointEvery > 0 && (epoch + 1) % options.CheckpointEvery == 0)
                new Checkpoint
                {
                    Fingerprint = fingerprint, EpochsDone = epoch + 1, Parameters = p, Adam = adam, TrainLoss = trainLoss,
                    TestLoss = testLoss, BestEpoch = bestEpoch, BestTestLoss = bestTest, BestParameters = bestP,
                }.Save(options.CheckpointPath!);
        }
        var final = options.EarlyStoppingPatience > 0 ? bestP : p;
        PolishReport? polish = null;
        if (options.PolishIterations > 0)
            (final, polish) = LbfgsPolish.Run(trainRunner, trainRows, testRunner, testRows, final, options.L2, options.PolishIterations, cancellationToken);
        var net = layout.ToNetwork(final, data.FeatureNames, data.ThetaNames, split.Mean, split.Std);
        return new TrainingResult(net, [.. trainLoss], [.. testLoss], bestEpoch, clock.Elapsed.TotalSeconds) { Polish = polish };
    }

    private static bool StoppedEarly(TrainingOptions o, int epochsDone, int bestEpoch) =>
        o.EarlyStoppingPatience > 0 && bestEpoch > 0 && epochsDone - bestEpoch >= o.EarlyStoppingPatience;

    /// <summary>
    /// PyTorch's nn.Linear default: W and b ~ U(−1/√in, 1/√in). V is initialised like a bias-free Linear(n_θ → n_x),
    /// U(−1/√n_θ, 1/√n_θ). Draw order: V, then W₀, b₀, W₁, b₁, … from <c>new Rng(seed, 2)</c>.
    /// </summary>
    internal static float[] InitialParameters(NetworkLayout layout, ulong seed)
    {
        var rng = new Rng(seed, 2);
        var p = new float[layout.ParameterCount];
        Fill(p.AsSpan(0, layout.ShiftCount), layout.Thetas, rng);
        for (int l = 0; l < layout.LayerCount; l++)
        {
            Fill(p.AsSpan(layout.WeightOffset[l], layout.Outputs[l] * layout.Inputs[l]), layout.Inputs[l], rng);
            Fill(p.AsSpan(layout.BiasOffset[l], layout.Outputs[l]), layout.Inputs[l], rng);
        }
        return p;
    }

    private static void Fill(Span<float> dst, int fanIn, Rng rng)
    {
        double bound = 1 / Math.Sqrt(Math.Max(1, fanIn));
        for (int i = 0; i < dst.Length; i++) dst[i] = (float)rng.Uniform(-bound, bound);
    }

    internal static int[] Identity(int n)
    {
        var a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    private static void Shuffle(int[] rows, Rng rng)
    {
        // Start from the identity each epoch so the order depends only on (seed, epoch) — resume stays bit-identical.
        for (int i = 0; i < rows.Length; i++) rows[i] = i;
        for (int i = rows.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (rows[i], rows[j]) = (rows[j], rows[i]);
        }
    }

    private static string Fingerprint(TrainingData d, TrainingOptions o) =>
        $"events={d.Count};x={string.Join(',', d.FeatureNames)};theta={string.Join(',', d.ThetaNames)};" +
        $"hidden={string.Join(',', o.HiddenSizes)};act={o.Activation};seed={o.Seed};batch={o.BatchSize};val={o.ValidationFraction:R};" +
        $"lr={o.LearningRate:R};l2={o.L2:R};latent={o.LatentInputsFor(d.ThetaNames.Count)}";
}
