using SbiFit.Learning.Kernels;
using SbiFit.Physics;

namespace SbiFit.Learning.Tests;

internal static class NetworkTestUtil
{
    /// <summary>A random network with PyTorch-style initialisation scaled up so activations are not trivial.</summary>
    internal static TheoryAwareNetwork RandomNetwork(int nx, int nt, int[] hidden, Activation act, ulong seed,
        Activation output = Activation.Identity, int latent = 0)
    {
        var rng = new Rng(seed, 7);
        var layers = new List<DenseLayer>();
        int inputs = nx + latent;
        foreach (int h in hidden.Append(1))
        {
            double bound = 1.5 / Math.Sqrt(inputs);
            var w = Enumerable.Range(0, h * inputs).Select(_ => (float)rng.Uniform(-bound, bound)).ToArray();
            var b = Enumerable.Range(0, h).Select(_ => (float)rng.Uniform(-0.5, 0.5)).ToArray();
            layers.Add(new DenseLayer(inputs, h, w, b, layers.Count == hidden.Length ? output : act, 0.05f));
            inputs = h;
        }
        var mean = Enumerable.Range(0, nx).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        var std = Enumerable.Range(0, nx).Select(_ => (float)rng.Uniform(0.5, 2)).ToArray();
        var shift = Enumerable.Range(0, nt * (nx + latent)).Select(_ => (float)rng.Uniform(-1, 1)).ToArray();
        return new TheoryAwareNetwork(Enumerable.Range(0, nx).Select(i => $"x{i}").ToArray(),
            Enumerable.Range(0, nt).Select(i => $"t{i}").ToArray(), mean, std, shift, layers);
    }

    internal static float[] Gaussians(int n, Rng rng, double scale = 1) =>
        Enumerable.Range(0, n).Select(_ => (float)(scale * rng.NextGaussian())).ToArray();

    /// <summary>
    /// Toy with a known ratio: x ~ N(0,1) (SM), NP weight N(θ,1)/N(0,1) = exp(θx − θ²/2), θ ~ U[-1,1]. The theory-aware
    /// network only sees z + θ·V, so x is given twice: log r = x²/2 − (x − θ)²/2 is then a function of (x, x − θ).
    /// </summary>
    internal static TrainingData GaussianShiftToy(int events, ulong seed)
    {
        var rng = new Rng(seed, 0);
        var x = new double[events];
        var th = new double[events];
        var wSm = new double[events];
        var wNp = new double[events];
        var range = ThetaRange.Parse("mu:-1:1");
        for (int i = 0; i < events; i++)
        {
            x[i] = rng.NextGaussian();
            th[i] = range.Sample(rng);
            wSm[i] = 1;
            wNp[i] = Math.Exp(th[i] * x[i] - th[i] * th[i] / 2);
        }
        return TrainingData.Create(["x", "x_copy"], ["mu"], x.SelectMany(v => new[] { v, v }).ToArray(), wSm, wNp, th);
    }

    internal static float[] Parameters(TheoryAwareNetwork net) => NetworkLayout.Flatten(net, NetworkLayout.Of(net));
}
