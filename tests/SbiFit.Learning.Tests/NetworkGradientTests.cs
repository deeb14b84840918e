using SbiFit.Learning.Kernels;
using SbiFit.Physics;

namespace SbiFit.Learning.Tests;

/// <summary>The training kernels run in double here (same generic code) and are checked against central differences.</summary>
public class NetworkGradientTests
{
    [Theory]
    [InlineData(Activation.ReLU, 0)]
    [InlineData(Activation.Tanh, 0)]
    [InlineData(Activation.SiLU, 0)]
    [InlineData(Activation.LeakyReLU, 0)]
    [InlineData(Activation.ReLU, 2)]
    [InlineData(Activation.Tanh, 2)]
    public void LossGradientMatchesCentralDifferences(Activation act, int latent)
    {
        const int nx = 3, nt = 2, rows = 70;
        var layout = NetworkLayout.ForTraining(nx, latent, nt, [6, 5], act, 0.05f);
        var rng = new Rng(17, (ulong)act + 100 * (ulong)latent);
        var set = new PreparedSet<double>(rows, nx, nt);
        for (int i = 0; i < set.Z.Length; i++) set.Z[i] = rng.NextGaussian();
        for (int i = 0; i < set.Theta.Length; i++) set.Theta[i] = rng.Uniform(-1, 1);
        for (int r = 0; r < rows; r++) { set.Label[r] = r % 2; set.Weight[r] = rng.Uniform(0.1, 2); }
        var p = Trainer.InitialParameters(layout, 3).Select(v => 2.0 * v).ToArray();
        var runner = new BatchRunner<double>(layout, set, threads: 2, blockWidth: 24); // 3 blocks, last partial
        var rowIdx = Trainer.Identity(rows);
        var grad = new double[p.Length];
        runner.Evaluate(p, rowIdx, 0, rows, grad);

        const double h = 1e-5;
        for (int i = 0; i < p.Length; i++)
        {
            double keep = p[i];
            p[i] = keep + h; double up = runner.Evaluate(p, rowIdx, 0, rows, null);
            p[i] = keep - h; double down = runner.Evaluate(p, rowIdx, 0, rows, null);
            p[i] = keep;
            double fd = (up - down) / (2 * h);
            Assert.True(Math.Abs(fd - grad[i]) <= 1e-6 * Math.Abs(grad[i]) + 1e-9,
                $"{act} parameter {i} ({Describe(layout, i)}): analytic {grad[i]:R}, finite difference {fd:R}");
        }
        Assert.Contains(grad.Take(layout.ShiftCount), g => Math.Abs(g) > 1e-4); // V really receives gradient
        if (latent > 0) // ... including its latent columns, which only θ reaches
            Assert.Contains(Enumerable.Range(0, layout.ShiftCount).Where(i => i % layout.InputWidth >= nx), i => Math.Abs(grad[i]) > 1e-4);
    }

    [Fact]
    public void LossIsStableForHugeLogits()
    {
        var layout = NetworkLayout.ForTraining(1, 0, 0, [2], Activation.ReLU, 0.01f);
        var set = new PreparedSet<double>(2, 1, 0);
        set.Z[0] = 1e4; set.Z[1] = 1e4; set.Label[1] = 1; set.Weight[0] = 1; set.Weight[1] = 1;
        double[] p = [1, 1, 0, 0, 1, 1, 0]; // logit = 2e4
        var runner = new BatchRunner<double>(layout, set, 1, 24);
        var g = new double[p.Length];
        double loss = runner.Evaluate(p, [0, 1], 0, 2, g);
        Assert.Equal(1e4, loss, 6); // (2e4 + 0)/2: label-0 row costs its logit, label-1 row costs nothing
        Assert.All(g, v => Assert.True(double.IsFinite(v)));
    }

    private static string Describe(NetworkLayout l, int i)
    {
        if (i < l.ShiftCount) return $"V[{i / l.InputWidth},{i % l.InputWidth}]";
        for (int k = 0; k < l.LayerCount; k++)
        {
            if (i >= l.WeightOffset[k] && i < l.BiasOffset[k]) return $"W{k}[{(i - l.WeightOffset[k]) / l.Inputs[k]},{(i - l.WeightOffset[k]) % l.Inputs[k]}]";
            if (i >= l.BiasOffset[k] && i < l.BiasOffset[k] + l.Outputs[k]) return $"b{k}[{i - l.BiasOffset[k]}]";
        }
        return "?";
    }
}
