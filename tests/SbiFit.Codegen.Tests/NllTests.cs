using SbiFit.Codegen;
using SbiFit.Learning;

namespace SbiFit.Codegen.Tests;

[Collection("compiled")]
public sealed class NllTests(CompiledFixture fixture)
{
    const int Events = 203;   // tail of 3 events in the double block of 8
    // ReLU: enough events that a 0.1σ step spans many kinks, and a rate model (N_SM ≈ 2 N_obs) that makes the NLL convex.
    const int ReluEvents = 2003;

    (TheoryAwareNetwork Net, NllOptions Options, CompiledNll Nll, float[] X, double[] W) Build(Activation act, int thetas,
        GradientMode mode = GradientMode.Auto, Precision precision = Precision.Double, int threads = 2, int latent = 0)
    {
        var net = TestNetworks.Random(act, thetas, seed: 40 + thetas, latent: latent);
        bool relu = act == Activation.ReLU;
        var options = TestNetworks.Options(thetas, precision, relu ? 2.0 * ReluEvents : 180.0);
        var code = fixture.Nll($"nll-{act}-{thetas}-{precision}-{latent}", net, options);
        var (x, w) = TestNetworks.Data(relu ? ReluEvents : Events, net.FeatureCount, seed: 8);
        return (net, options, new CompiledNll(code.Instance, x, w, gradientMode: mode, maxThreads: threads), x, w);
    }

    static double[] Theta(int n) => Enumerable.Range(0, n).Select(k => 0.15 - 0.1 * k).ToArray();

    static void Close(double expected, double actual, double rel, string what) =>
        Assert.True(Math.Abs(expected - actual) <= rel * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    [Theory]
    [InlineData(Activation.ReLU, 3)]
    [InlineData(Activation.Tanh, 3)]
    [InlineData(Activation.SiLU, 1)]
    [InlineData(Activation.ReLU, 3, 3)]
    [InlineData(Activation.Tanh, 1, 1)]
    public void ValueMatchesReferenceNll(Activation act, int thetas, int latent = 0)
    {
        var (net, options, nll, x, w) = Build(act, thetas, latent: latent);
        var theta = Theta(thetas);
        Close(TestNetworks.ReferenceNll(net, options, x, w, theta), nll.Value(theta), 1e-9, "NLL");
        Assert.Equal(options.Rate!.StandardModelYield - w.Sum() * Math.Log(options.Rate.StandardModelYield)
            + options.Constraints.Sum(c => c.Mean * c.Mean / (2 * c.Sigma * c.Sigma)), nll.Value(new double[thetas]), 1e-9);
    }

    [Fact]
    public void SinglePrecisionValueMatchesReference()
    {
        var (net, options, nll, x, w) = Build(Activation.ReLU, 3, precision: Precision.Single);
        var theta = Theta(3);
        Close(TestNetworks.ReferenceNll(net, options, x, w, theta), nll.Value(theta), 1e-6, "float NLL");
    }

    [Theory]
    [InlineData(Activation.Tanh, 3, GradientMode.Reverse)]
    [InlineData(Activation.Tanh, 3, GradientMode.Forward)]
    [InlineData(Activation.SiLU, 1, GradientMode.Reverse)]
    [InlineData(Activation.SiLU, 1, GradientMode.Forward)]
    [InlineData(Activation.ReLU, 1, GradientMode.Auto)]
    [InlineData(Activation.ReLU, 3, GradientMode.Auto)]
    [InlineData(Activation.Tanh, 3, GradientMode.Reverse, 3)]
    [InlineData(Activation.Tanh, 3, GradientMode.Forward, 3)]
    public void GradientMatchesFiniteDifferences(Activation act, int thetas, GradientMode mode, int latent = 0)
    {
        var (_, _, nll, _, _) = Build(act, thetas, mode, latent: latent);
        var theta = Theta(thetas);
        var g = new double[thetas];
        double v = nll.ValueAndGradient(theta, g);
        Assert.Equal(nll.Value(theta), v, 1e-9);
        var fd = TestNetworks.FiniteGradient(p => nll.Value(p), theta, 1e-6);
        for (int k = 0; k < thetas; k++) Close(fd[k], g[k], 1e-6, $"dNLL/dθ{k} ({mode})");
    }

    [Fact]
    public void ResultsDoNotDependOnThreadCount()
    {
        var one = Build(Activation.ReLU, 3, threads: 1).Nll;
        var two = Build(Activation.ReLU, 3, threads: 2).Nll;
        var theta = Theta(3);
        Assert.Equal(one.Value(theta), two.Value(theta));
        var g1 = new double[3]; var g2 = new double[3];
        one.ValueAndGradient(theta, g1); two.ValueAndGradient(theta, g2);
        Assert.Equal(g1, g2);
    }

    [Theory]
    [InlineData(Activation.Tanh, 3)]
    [InlineData(Activation.SiLU, 1)]
    public void SmoothHessianIsExactForwardOverReverse(Activation act, int thetas)
    {
        var (_, _, nll, _, _) = Build(act, thetas);
        Assert.Equal(HessianMethod.ForwardOverReverse, nll.HessianMethod);
        var theta = Theta(thetas);
        var h = new double[thetas * thetas];
        nll.Hessian(theta, h);
        for (int k = 0; k < thetas; k++)
        {
            var fd = TestNetworks.FiniteGradient(p => { var g = new double[thetas]; nll.ValueAndGradient(p, g); return g[k]; }, theta, 1e-5);
            for (int j = 0; j < thetas; j++) Close(fd[j], h[k * thetas + j], 1e-6, $"H[{k},{j}]");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void ReluHessianUsesGradientDifferences(int thetas)
    {
        var (_, _, nll, _, _) = Build(Activation.ReLU, thetas);
        Assert.Equal(HessianMethod.GradientDifferences, nll.HessianMethod);
        var theta = Theta(thetas);
        var h = new double[thetas * thetas];
        nll.Hessian(theta, h);
        var steps = nll.LastHessianSteps!;
        double f0 = nll.Value(theta);
        for (int k = 0; k < thetas; k++)
        {
            Assert.True(h[k * thetas + k] > 0, $"H[{k},{k}] = {h[k * thetas + k]} is not positive");
            var p = (double[])theta.Clone();
            p[k] += steps[k]; double fp = nll.Value(p);
            p[k] = theta[k] - steps[k]; double fm = nll.Value(p);
            // Second differences of the value weight the kinks in [θ−h, θ+h] with a triangle instead of a box: with
            // ~10² kinks inside the step (2003 events) the two agree to the kink-sampling noise, ~10%.
            Close((fp - 2 * f0 + fm) / (steps[k] * steps[k]), h[k * thetas + k], 0.10, $"H[{k},{k}] vs value second differences");
            // Same construction with value-only finite-difference gradients (δ ≪ kink spacing): agrees tightly.
            const double delta = 1e-7;
            double Fd(double at) { p[k] = at + delta; double a = nll.Value(p); p[k] = at - delta; return (a - nll.Value(p)) / (2 * delta); }
            double fdHessian = (Fd(theta[k] + steps[k]) - Fd(theta[k] - steps[k])) / (2 * steps[k]);
            p[k] = theta[k];
            Close(fdHessian, h[k * thetas + k], 1e-4, $"H[{k},{k}] vs differences of value-FD gradients");
        }
        Assert.True(IsPositiveDefinite(h, thetas), "the ReLU HESSE matrix is not positive definite");
    }

    static bool IsPositiveDefinite(double[] a, int n)
    {
        var l = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
                if (i == j) { if (!(s > 0)) return false; l[i * n + i] = Math.Sqrt(s); }
                else l[i * n + j] = s / l[j * n + j];
            }
        return true;
    }

    [Theory]
    [InlineData(4)]    // first layer narrower than the 5 inputs: the kernels cache u = W1 z + b1
    [InlineData(10)]   // wider: they cache z and recompute W1 z per call
    public void FirstLayerCacheChoiceKeepsValueAndGradient(int h1)
    {
        var net = TestNetworks.Random(Activation.Tanh, 2, seed: 47, h1: h1);
        var options = TestNetworks.Options(2);
        var code = fixture.Nll($"nll-cache-h1-{h1}", net, options);
        var (x, w) = TestNetworks.Data(Events, net.FeatureCount, seed: 9);
        var nll = new CompiledNll(code.Instance, x, w, gradientMode: GradientMode.Reverse);
        var theta = Theta(2);
        Close(TestNetworks.ReferenceNll(net, options, x, w, theta), nll.Value(theta), 1e-9, $"NLL (H1 = {h1})");
        var g = new double[2];
        nll.ValueAndGradient(theta, g);
        var fd = TestNetworks.FiniteGradient(p => nll.Value(p), theta, 1e-6);
        for (int k = 0; k < 2; k++) Close(fd[k], g[k], 1e-6, $"dNLL/dθ{k} (H1 = {h1})");
    }

    [Fact]
    public void ValueOnlyBackendHasNoGradient()
    {
        var net = TestNetworks.Random(Activation.SiLU, 1, seed: 41);
        var code = fixture.Nll($"nll-{Activation.SiLU}-1-{Precision.Double}", net, TestNetworks.Options(1));
        var (x, w) = TestNetworks.Data(Events, 5, seed: 8);
        var nll = new CompiledNll(code.Instance, x, w, analyticGradient: false);
        Assert.False(nll.HasGradient);
        Assert.False(nll.HasHessian);
        Assert.Throws<NotSupportedException>(() => nll.ValueAndGradient([0.1], new double[1]));
        Assert.Throws<ArgumentException>(() => nll.Value([0.1, 0.2]));
    }

    [Fact]
    public void BenchmarkHelperReportsPositiveTimes()
    {
        var net = TestNetworks.Random(Activation.SiLU, 1, seed: 41);
        var code = fixture.Nll($"nll-{Activation.SiLU}-1-{Precision.Double}", net, TestNetworks.Options(1));
        var (x, w) = TestNetworks.Data(Events, 5, seed: 8);
        var t = CodegenBenchmark.Measure(code.Instance, x, w, [0.1], threads: 1, repeats: 3);
        Assert.Equal(GradientMode.Forward, t.GradientMode);
        Assert.Equal(Events, t.Events);
        Assert.True(t.ValueSeconds > 0 && t.ValueGradientSeconds > 0 && t.ValueGradientEventsPerSecond > 0);
    }
}
