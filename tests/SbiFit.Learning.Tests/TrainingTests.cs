using SbiFit.Physics;

namespace SbiFit.Learning.Tests;

public class TrainingTests
{
    private static readonly TrainingOptions Small = new()
    {
        HiddenSizes = [16, 16], Activation = Activation.Tanh, Epochs = 30, LearningRate = 0.01, Seed = 9, Threads = 2,
    };

    [Fact]
    public void AdamStepFollowsPyTorchSemantics()
    {
        var adam = new AdamState(2);
        float[] p = [1f, -2f];
        double lr = 0.1, wd = 0.01;
        double[][] grads = [[0.5, -0.25], [0.1, 0.3]];
        double[] m = [0, 0], v = [0, 0], expect = [1, -2];
        for (int t = 1; t <= 2; t++)
        {
            adam.Update(p, grads[t - 1], lr, wd);
            for (int i = 0; i < 2; i++)
            {
                // torch.optim.Adam: grad += wd*param; exp_avg, exp_avg_sq; bias-corrected step.
                double g = grads[t - 1][i] + wd * expect[i];
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                double denom = Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(0.999, t)) + 1e-8;
                expect[i] = (float)(expect[i] - lr / (1 - Math.Pow(0.9, t)) * m[i] / denom);
                Assert.Equal(expect[i], p[i], 6);
            }
            if (t == 1) { Assert.Equal(0.9, p[0], 6); Assert.Equal(-1.9, p[1], 6); } // first step moves by lr·sign(g)
        }
    }

    [Fact]
    public void LearnsExactLikelihoodRatioOfGaussianShiftToy()
    {
        var data = NetworkTestUtil.GaussianShiftToy(4000, seed: 1);
        var result = Trainer.Train(data, Small with { Epochs = 150, L2 = 0, HiddenSizes = [24, 24] });
        Assert.True(result.TestLoss[^1] < result.TestLoss[0]);
        double worst = 0;
        var grid = new List<(float x, float th)>();
        for (double x = -1.5; x <= 1.5001; x += 0.25)
            for (double th = -0.9; th <= 0.9001; th += 0.3) grid.Add(((float)x, (float)th));
        var logits = new float[grid.Count];
        result.Network.Logits(grid.SelectMany(g => new[] { g.x, g.x }).ToArray(), grid.Select(g => g.th).ToArray(), grid.Count, logits);
        for (int i = 0; i < grid.Count; i++)
        {
            var (x, th) = grid[i];
            double exact = th * x - th * th / 2;
            worst = Math.Max(worst, Math.Abs(logits[i] - exact));
        }
        // Stated tolerance: |learned − exact log-ratio| < 0.1 for |x| ≤ 1.5, |θ| ≤ 0.9 (logits there span ±1.8).
        Assert.True(worst < 0.1, $"worst deviation from θx − θ²/2 in the bulk: {worst}");
    }

    /// <summary>
    /// x ~ N(0,1) in the SM and N(0, s(θ)²) with s = 1 + θ/2 in NP: log r = −log s − x²/(2s²) + x²/2 changes the width,
    /// which no function of x + θv can do. The seed's pure shift (0 latent inputs) must therefore stay well above the
    /// exact ratio's loss, and the default latent input must get close to it.
    /// </summary>
    [Fact]
    public void LatentInputLearnsRatioThatAPureShiftCannotRepresent()
    {
        var (data, exactLoss) = WidthToy(6000, seed: 4);
        var options = Small with { Epochs = 300, L2 = 0, HiddenSizes = [16, 16], Activation = Activation.Tanh, LearningRate = 0.02 };
        var latent = Trainer.Train(data, options);
        var shift = Trainer.Train(data, options with { LatentInputs = 0 });
        Assert.Equal(1, latent.Network.LatentCount);
        Assert.Equal(0, shift.Network.LatentCount);
        double gapLatent = latent.TestLoss[^1] - exactLoss, gapShift = shift.TestLoss[^1] - exactLoss;
        Assert.True(gapShift > 4 * Math.Abs(gapLatent) && gapLatent < 0.004,
            $"BCE above the exact ratio's {exactLoss:F5}: latent {gapLatent:F5}, pure shift {gapShift:F5}");
    }

    /// <summary>
    /// The L-BFGS polish after Adam: on the width toy (exact ratio known) it must bring the held-out loss closer to the
    /// exact ratio's than the same Adam run alone, never keep a point worse on the held-out rows than Adam's end point,
    /// and stay bit-identical for any thread count.
    /// </summary>
    [Fact]
    public void LbfgsPolishLowersTheGapToTheExactRatioDeterministically()
    {
        var (data, exactLoss) = WidthToy(4000, seed: 5);
        var adamOnly = Small with { Epochs = 60, L2 = 0, HiddenSizes = [12, 12], LearningRate = 0.02 };
        var adam = Trainer.Train(data, adamOnly);
        var polished = Trainer.Train(data, adamOnly with { PolishIterations = 150, Threads = 1 });
        var polished2 = Trainer.Train(data, adamOnly with { PolishIterations = 150, Threads = 2 });
        Assert.Null(adam.Polish);
        var report = Assert.IsType<PolishReport>(polished.Polish);
        Assert.Equal(adam.TestLoss, polished.TestLoss);   // the Adam phase is unchanged
        Assert.True(report.Evaluations > 0 && report.TestLoss <= adam.TestLoss[^1], report.ToString());
        double gapAdam = adam.TestLoss[^1] - exactLoss, gapPolish = report.TestLoss - exactLoss;
        Assert.True(gapPolish < 0.5 * gapAdam, $"held-out BCE above the exact ratio's: Adam {gapAdam:F5}, polished {gapPolish:F5}");
        Assert.Equal(NetworkTestUtil.Parameters(polished.Network), NetworkTestUtil.Parameters(polished2.Network));
        Assert.Throws<ArgumentException>(() => Trainer.Train(data, adamOnly with { PolishIterations = -1 }));
    }

    /// <summary>The width toy: x ~ N(0,1) (SM) vs N(0, s²), s = 1 + θ/2 (NP), θ ~ U[−1, 1]; and the exact ratio's mean BCE.</summary>
    static (TrainingData Data, double ExactLoss) WidthToy(int events, ulong seed)
    {
        var rng = new Rng(seed, 0);
        var x = new double[events]; var th = new double[events]; var wSm = new double[events]; var wNp = new double[events];
        double exactLoss = 0;
        for (int i = 0; i < events; i++)
        {
            x[i] = rng.NextGaussian();
            th[i] = rng.Uniform(-1, 1);
            double s = 1 + th[i] / 2;
            wSm[i] = 1;
            wNp[i] = Math.Exp(-Math.Log(s) - x[i] * x[i] / (2 * s * s) + x[i] * x[i] / 2);
            double l = Math.Log(wNp[i]);
            exactLoss += wSm[i] * Softplus(l) + wNp[i] * Softplus(-l);
        }
        return (TrainingData.Create(["x"], ["theta"], x, wSm, wNp, th), exactLoss / (wSm.Sum() + wNp.Sum()));
    }

    static double Softplus(double l) => Math.Max(l, 0) + Math.Log(1 + Math.Exp(-Math.Abs(l)));

    [Fact]
    public void SameSeedGivesIdenticalWeightsForAnyThreadCount()
    {
        var data = NetworkTestUtil.GaussianShiftToy(1500, seed: 2);
        var a = Trainer.Train(data, Small with { Threads = 1 });
        var b = Trainer.Train(data, Small with { Threads = 2 });
        Assert.Equal(NetworkTestUtil.Parameters(a.Network), NetworkTestUtil.Parameters(b.Network));
        Assert.Equal(a.TrainLoss, b.TrainLoss);
        Assert.Equal(a.Network.Mean, b.Network.Mean);
        var c = Trainer.Train(data, Small with { Seed = 10 });
        Assert.NotEqual(NetworkTestUtil.Parameters(a.Network), NetworkTestUtil.Parameters(c.Network));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    public void ResumeEqualsUninterruptedTraining(int batch)
    {
        var data = NetworkTestUtil.GaussianShiftToy(1200, seed: 3);
        var dir = Directory.CreateTempSubdirectory("sbifit-ckpt");
        try
        {
            var ck = Path.Combine(dir.FullName, "train.ckpt");
            var opts = Small with { BatchSize = batch, Epochs = 20 };
            var full = Trainer.Train(data, opts);
            Trainer.Train(data, opts with { Epochs = 12, CheckpointEvery = 6, CheckpointPath = ck });
            var resumed = Trainer.Train(data, opts with { ResumeFrom = ck });
            Assert.Equal(NetworkTestUtil.Parameters(full.Network), NetworkTestUtil.Parameters(resumed.Network));
            Assert.Equal(full.TestLoss, resumed.TestLoss);
            Assert.Equal(full.BestEpoch, resumed.BestEpoch);
            var bad = Assert.Throws<InvalidDataException>(() => Trainer.Train(data, opts with { ResumeFrom = ck, Seed = 1 }));
            Assert.Contains("different setup", bad.Message);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void MiniBatchEarlyStoppingAndLossCsv()
    {
        var data = NetworkTestUtil.GaussianShiftToy(1000, seed: 4);
        var reports = new List<EpochReport>();
        var r = Trainer.Train(data, Small with { BatchSize = 100, Epochs = 400, LearningRate = 0.05, EarlyStoppingPatience = 3 },
            new SyncProgress(reports));
        Assert.True(r.TrainLoss.Length < 400, "early stopping should end a 400-epoch run at lr 0.05");
        Assert.Equal(r.TrainLoss.Length, reports.Count);
        Assert.Equal(r.TrainLoss.Length - 3, r.BestEpoch);
        var path = Path.Combine(Path.GetTempPath(), $"sbifit-loss-{Guid.NewGuid():N}.csv");
        r.WriteLossCurves(path);
        var lines = File.ReadAllLines(path);
        File.Delete(path);
        Assert.Equal("epoch,train_loss,test_loss", lines[0]);
        Assert.Equal(r.TrainLoss.Length + 1, lines.Length);
        Assert.StartsWith("1,", lines[1]);
    }

    [Fact]
    public void StandardisationIsFittedOnTrainingEvents()
    {
        var rng = new Rng(8, 0);
        int n = 500;
        var x = Enumerable.Range(0, 2 * n).Select(i => i % 2 == 0 ? 100 + 5 * rng.NextGaussian() : -3 + 0.1 * rng.NextGaussian()).ToArray();
        var data = TrainingData.Create(["a", "b"], [], x, Enumerable.Repeat(1.0, n).ToArray(), Enumerable.Repeat(2.0, n).ToArray(), []);
        var r = Trainer.Train(data, Small with { Epochs = 2 });
        Assert.InRange(r.Network.Mean[0], 99, 101);
        Assert.InRange(r.Network.Std[0], 4.5, 5.5);
        Assert.InRange(r.Network.Std[1], 0.09, 0.11);
    }

    [Fact]
    public void BadInputIsRejectedWithClearMessages()
    {
        double[] one = [1.0, 1.0];
        Assert.Contains("empty", Assert.Throws<TrainingDataException>(() => TrainingData.Create(["x"], ["t"], [], [], [], [])).Message);
        Assert.Contains("all NP weights", Assert.Throws<TrainingDataException>(() => TrainingData.Create(["x"], ["t"], one, one, [0.0, 0.0], one)).Message);
        Assert.Contains("feature 'x' of event 1", Assert.Throws<TrainingDataException>(() => TrainingData.Create(["x"], ["t"], [0.0, double.NaN], one, one, one)).Message);
        Assert.Contains("w_SM of event 0 is Infinity", Assert.Throws<TrainingDataException>(() => TrainingData.Create(["x"], ["t"], one, [double.PositiveInfinity, 1], one, one)).Message);
        Assert.Contains("negative", Assert.Throws<TrainingDataException>(() => TrainingData.Create(["x"], ["t"], one, one, [1.0, -0.5], one)).Message);
        Assert.Contains("theta has 3 values", Assert.Throws<TrainingDataException>(() => TrainingData.Create(["x"], ["t"], one, one, one, [1.0, 2, 3])).Message);
        Assert.Contains("theta 't' of event 0", Assert.Throws<TrainingDataException>(() => TrainingData.Create(["x"], ["t"], one, one, one, [double.NaN, 0])).Message);
        Assert.Contains("too few", Assert.Throws<TrainingDataException>(() => Trainer.Train(TrainingData.Create(["x"], ["t"], one, one, one, one), Small)).Message);
        var data = NetworkTestUtil.GaussianShiftToy(100, 1);
        Assert.Throws<ArgumentException>(() => Trainer.Train(data, Small with { HiddenSizes = [] }));
        Assert.Throws<ArgumentException>(() => Trainer.Train(data, Small with { LearningRate = -1 }));
        Assert.Throws<ArgumentException>(() => Trainer.Train(data, Small with { CheckpointEvery = 5 }));
        Assert.Throws<FileNotFoundException>(() => Trainer.Train(data, Small with { ResumeFrom = "/nonexistent/ckpt" }));
        var junk = Path.GetTempFileName();
        File.WriteAllBytes(junk, [1, 2, 3]);
        try { Assert.Throws<InvalidDataException>(() => Trainer.Train(data, Small with { ResumeFrom = junk })); }
        finally { File.Delete(junk); }
    }

    [Fact]
    public void ThetaRangeParsesAndValidates()
    {
        var r = ThetaRange.Parse("V_R:-1:1");
        Assert.Equal(new ThetaRange("V_R", -1, 1), r);
        Assert.Equal("V_R:-1:1", r.ToString());
        Assert.Contains("lo (1) must be below hi (1)", Assert.Throws<ArgumentException>(() => ThetaRange.Parse("S_L:1:1")).Message);
        Assert.Throws<ArgumentException>(() => ThetaRange.Parse("S_L:2:1"));
        Assert.Throws<ArgumentException>(() => ThetaRange.Parse("S_L:-1"));
        Assert.Throws<ArgumentException>(() => ThetaRange.Parse("S_L:a:1"));
        var rng = new Rng(1);
        Assert.All(Enumerable.Range(0, 100), _ => Assert.InRange(r.Sample(rng), -1, 1));
    }

    [Fact]
    public void CancellationStopsTraining()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => Trainer.Train(NetworkTestUtil.GaussianShiftToy(100, 1), Small, null, cts.Token));
    }

    private sealed class SyncProgress(List<EpochReport> sink) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => sink.Add(value);
    }
}
