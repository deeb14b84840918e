using SbiFit.Physics;

namespace SbiFit.Learning.Tests;

public class KernelTests
{
    [Theory]
    [InlineData(Activation.ReLU, 5, 3, new[] { 37, 100 })]
    [InlineData(Activation.Tanh, 2, 1, new[] { 100, 100 })]
    [InlineData(Activation.SiLU, 7, 2, new[] { 13 })]
    [InlineData(Activation.LeakyReLU, 3, 0, new[] { 9, 17, 6 })]
    [InlineData(Activation.Sigmoid, 4, 3, new[] { 24, 25 })]
    [InlineData(Activation.Tanh, 5, 2, new[] { 20, 20 }, 2)]
    [InlineData(Activation.ReLU, 4, 0, new[] { 8 }, 1)]
    public void FastLogitsMatchDoubleReference(Activation act, int nx, int nt, int[] hidden, int latent = 0)
    {
        var net = NetworkTestUtil.RandomNetwork(nx, nt, hidden, act, seed: (ulong)(nx * 31 + nt), latent: latent);
        const int rows = 1000; // several 192-event blocks and a partial one
        var rng = new Rng(5, 1);
        var x = NetworkTestUtil.Gaussians(rows * nx, rng, 2);
        var th = NetworkTestUtil.Gaussians(rows * nt, rng);
        var fast = new float[rows];
        net.Logits(x, th, rows, fast);
        var single = new float[rows];
        var eval = net.CreateEvaluator(threads: 1);
        eval.Logits(x, th, rows, single);
        for (int r = 0; r < rows; r++)
        {
            double reference = net.ReferenceLogit(x.AsSpan(r * nx, nx).ToArray().Select(v => (double)v).ToArray(),
                th.AsSpan(r * nt, nt).ToArray().Select(v => (double)v).ToArray());
            Assert.True(Math.Abs(fast[r] - reference) <= 2e-5 * (1 + Math.Abs(reference)),
                $"row {r}: fast {fast[r]} vs reference {reference}");
            Assert.Equal(fast[r], single[r]); // thread count does not change a logit
        }
    }

    [Fact]
    public void SigmoidOutputLayerAndSmallBatches()
    {
        var net = NetworkTestUtil.RandomNetwork(3, 2, [10], Activation.Tanh, 11, output: Activation.Sigmoid);
        var rng = new Rng(1, 2);
        foreach (int rows in new[] { 1, 5, 192, 193 })
        {
            var x = NetworkTestUtil.Gaussians(rows * 3, rng);
            var th = NetworkTestUtil.Gaussians(rows * 2, rng);
            var y = new float[rows];
            net.Logits(x, th, rows, y);
            for (int r = 0; r < rows; r++)
            {
                double reference = net.ReferenceLogit([x[3 * r], x[3 * r + 1], x[3 * r + 2]], [th[2 * r], th[2 * r + 1]]);
                Assert.Equal(reference, y[r], 5);
            }
        }
    }

    [Fact]
    public void LogitsRejectsShortBuffers()
    {
        var net = NetworkTestUtil.RandomNetwork(2, 1, [4], Activation.ReLU, 3);
        var ex = Assert.Throws<ArgumentException>(() => net.Logits(new float[3], new float[2], 2, new float[2]));
        Assert.Contains("x has 3", ex.Message);
    }
}
