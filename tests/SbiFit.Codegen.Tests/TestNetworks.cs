using SbiFit.Codegen;
using SbiFit.Learning;

namespace SbiFit.Codegen.Tests;

/// <summary>Random networks, datasets and a straightforward double-precision NLL used as the oracle.</summary>
internal static class TestNetworks
{
    /// <param name="latent">latent input dimensions (zero in the data, reached only through θ·V).</param>
    public static TheoryAwareNetwork Random(Activation hidden, int thetas, int seed, int nx = 5, int h1 = 10, int h2 = 7, int latent = 0)
    {
        var rng = new Random(seed);
        float R(double scale) => (float)((rng.NextDouble() * 2 - 1) * scale);
        float[] Fill(int n, double s) => Enumerable.Range(0, n).Select(_ => R(s)).ToArray();
        var layers = new List<DenseLayer>
        {
            new(nx + latent, h1, Fill(h1 * (nx + latent), 0.8), Fill(h1, 0.3), hidden),
            new(h1, h2, Fill(h2 * h1, 0.5), Fill(h2, 0.3), hidden),
            new(h2, 1, Fill(h2, 0.5), Fill(1, 0.1), Activation.Identity),
        };
        var mean = Fill(nx, 1.0);
        var std = Enumerable.Range(0, nx).Select(_ => (float)(0.5 + rng.NextDouble())).ToArray();
        return new TheoryAwareNetwork(Enumerable.Range(0, nx).Select(i => $"x{i}").ToArray(),
            Enumerable.Range(0, thetas).Select(i => $"t{i}").ToArray(), mean, std, Fill(thetas * (nx + latent), 1.0), layers);
    }

    public static (float[] X, double[] W) Data(int events, int nx, int seed)
    {
        var rng = new Random(seed);
        var x = Enumerable.Range(0, events * nx).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        var w = Enumerable.Range(0, events).Select(_ => 0.5 + rng.NextDouble()).ToArray();
        return (x, w);
    }

    public static NllOptions Options(int thetas, Precision precision = Precision.Double, double yield = 180.0) => new()
    {
        Precision = precision,
        Rate = new RateForm(yield, 1.0,
            Enumerable.Range(0, thetas).Select(k => 0.2 + 0.1 * k).ToArray(),
            Enumerable.Range(0, thetas * thetas).Select(i => i % (thetas + 1) == 0 ? 0.5 : 0.05 * (i % 3)).ToArray()),
        Constraints = Enumerable.Range(0, thetas).Select(k => new GaussianConstraint(k, 0.1 * k, 0.3 + 0.1 * k)).ToArray(),
    };

    /// <summary>The NLL written out term by term with <see cref="TheoryAwareNetwork.ReferenceLogit"/>.</summary>
    public static double ReferenceNll(TheoryAwareNetwork net, NllOptions o, float[] x, double[] w, double[] theta)
    {
        int nx = net.FeatureCount, n = theta.Length;
        var zero = new double[n];
        double learned = 0, nobs = w.Sum();
        for (int i = 0; i < w.Length; i++)
        {
            var xi = x.AsSpan(i * nx, nx).ToArray().Select(v => (double)v).ToArray();
            learned -= w[i] * (net.ReferenceLogit(xi, theta) - net.ReferenceLogit(xi, zero));
        }
        if (o.Rate is { } r)
        {
            double q = r.A;
            for (int k = 0; k < n; k++) q += r.B[k] * theta[k];
            for (int k = 0; k < n; k++) for (int l = 0; l < n; l++) q += theta[k] * r.C[k * n + l] * theta[l];
            double nu = r.StandardModelYield * q / r.A;
            learned += nu - nobs * Math.Log(nu);
        }
        foreach (var c in o.Constraints) learned += Math.Pow(theta[c.ThetaIndex] - c.Mean, 2) / (2 * c.Sigma * c.Sigma);
        return learned;
    }

    public static double[] FiniteGradient(Func<double[], double> f, double[] theta, double h)
    {
        var g = new double[theta.Length];
        for (int k = 0; k < theta.Length; k++)
        {
            var p = (double[])theta.Clone(); p[k] += h; double fp = f(p);
            p[k] = theta[k] - h; double fm = f(p);
            g[k] = (fp - fm) / (2 * h);
        }
        return g;
    }

    /// <summary>
    /// At two points, ValueAndGradient's value equals Value and its (AD) gradient matches central differences with
    /// step 1e-6 to 1e-6 relative (double-precision kernels; a small step rarely crosses a ReLU kink of the event sum).
    /// </summary>
    public static void AssertGradientMatchesCentralDifferences(Backends.SbiLikelihood nll, string name)
    {
        int n = nll.Dimension;
        foreach (var p in new[] { Enumerable.Range(0, n).Select(k => 0.12 - 0.05 * k).ToArray(), Enumerable.Range(0, n).Select(k => -0.3 + 0.2 * k).ToArray() })
        {
            var g = new double[n];
            double v = nll.ValueAndGradient(p, g);
            Assert.Equal(nll.Value(p), v, 1e-9 * Math.Abs(v));
            var fd = FiniteGradient(t => nll.Value(t), p, 1e-6);
            for (int k = 0; k < n; k++)
                Assert.True(Math.Abs(g[k] - fd[k]) <= 1e-6 * Math.Max(Math.Abs(fd[k]), 1e-2 * g.Max(Math.Abs)),
                    $"{name} d/d{nll.Parameters[k].Name}: AD {g[k]} vs FD {fd[k]}");
        }
    }
}

/// <summary>Compiles every generated variant the tests need once per test run.</summary>
public sealed class CompiledFixture : IDisposable
{
    readonly Dictionary<string, object> built = new();
    readonly object gate = new();

    internal CompiledCode<INllKernels> Nll(string key, TheoryAwareNetwork net, NllOptions options) =>
        Get(key, () => NllCodeGenerator.Compile(net, options));

    internal CompiledCode<ICompiledNetwork> Network(string key, TheoryAwareNetwork net) =>
        Get(key, () => NetworkCodeGenerator.Compile(net, Precision.Single));

    T Get<T>(string key, Func<T> make) where T : class
    {
        lock (gate)
        {
            if (!built.TryGetValue(key, out var v)) built[key] = v = make();
            return (T)v;
        }
    }

    public void Dispose()
    {
        foreach (var v in built.Values) (v as IDisposable)?.Dispose();
    }
}

[CollectionDefinition("compiled")]
public sealed class CompiledCollection : ICollectionFixture<CompiledFixture>;
