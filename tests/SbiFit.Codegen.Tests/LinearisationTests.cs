using SbiFit.Codegen.Backends;
using SbiFit.Learning;
using Xunit.Abstractions;

namespace SbiFit.Codegen.Tests;

/// <summary>The exact activation-pattern linearisation cache of <see cref="CompiledNll"/> against plain full evaluation.</summary>
[Collection("compiled")]
public sealed class LinearisationTests(CompiledFixture fixture, ITestOutputHelper output)
{
    const int Events = 2003;
    /// <summary>The gathers of Permute/PermuteTail on the calling thread only.</summary>
    static readonly ParallelOptions Serial = new() { MaxDegreeOfParallelism = 1 };

    (CompiledNll Linear, CompiledNll Full) Build(Activation act, int thetas, Precision precision)
    {
        var net = TestNetworks.Random(act, thetas, seed: 70 + thetas);
        var options = TestNetworks.Options(thetas, precision, 2.0 * Events);
        var code = fixture.Nll($"lin-{act}-{thetas}-{precision}", net, options);
        var (x, w) = TestNetworks.Data(Events, net.FeatureCount, seed: 9);
        return (new CompiledNll(code.Instance, x, w, maxThreads: 2), new CompiledNll(code.Instance, x, w, maxThreads: 2, linearise: false));
    }

    static void Close(double expected, double actual, double rel, string what) =>
        Assert.True(Math.Abs(expected - actual) <= rel * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected}, got {actual}");

    [Theory]
    [InlineData(Activation.ReLU, 1, Precision.Double)]
    [InlineData(Activation.ReLU, 3, Precision.Double)]
    [InlineData(Activation.LeakyReLU, 1, Precision.Double)]
    [InlineData(Activation.LeakyReLU, 3, Precision.Double)]
    [InlineData(Activation.ReLU, 3, Precision.Single)]
    [InlineData(Activation.LeakyReLU, 1, Precision.Single)]
    public void ValueAndGradientEqualFullEvaluation(Activation act, int thetas, Precision precision)
    {
        var (lin, full) = Build(act, thetas, precision);
        Assert.True(lin.Linearising);
        Assert.False(full.Linearising);
        // Float kernels: the affine extrapolation and the float forward pass round differently (per event ~1e-7 of
        // the logit scale); the gradient can also differ where a float pre-activation sits on a kink.
        double relValue = precision == Precision.Double ? 1e-9 : 1e-6, relGrad = precision == Precision.Double ? 1e-9 : 1e-4;
        var theta0 = Enumerable.Range(0, thetas).Select(k => 0.1 - 0.07 * k).ToArray();
        var g = new double[thetas]; var gf = new double[thetas];
        // Near θ0 (all or nearly all safe), then ever larger steps (some unsafe, then re-linearisations), then near the
        // last reference point.
        foreach (double step in new[] { 0, 1e-5, 1e-4, 1e-3, 1e-2, 3e-2, 0.1, 0.4, 1.0, 0.7, -1e-4, 1e-5 })
        {
            bool after = step is -1e-4 or 1e-5 && lin.Linearisations > 1;
            var origin = after ? lin.ReferencePoint!.ToArray() : theta0;
            int linearisations = lin.Linearisations;
            var theta = origin.Select((t, k) => t + step * (k % 2 == 0 ? 1 : -0.6)).ToArray();
            double v = lin.ValueAndGradient(theta, g), vf = full.ValueAndGradient(theta, gf);
            output.WriteLine($"step {step:G3}{(after ? " (after re-linearising)" : "")}: full fraction {lin.LastFullFraction:F4}, linearisations {lin.Linearisations}");
            Close(vf, v, relValue, $"NLL at step {step}");
            double scale = gf.Max(Math.Abs);
            for (int k = 0; k < thetas; k++)
                Assert.True(Math.Abs(g[k] - gf[k]) <= relGrad * Math.Max(Math.Abs(gf[k]), scale), $"dNLL/dθ{k} at step {step}: {g[k]} vs {gf[k]}");
            Close(full.Value(theta), lin.Value(theta), relValue, $"value-only NLL at step {step}");
            if (Math.Abs(step) is 1e-5 or 1e-4)
            {
                Assert.Equal(linearisations, lin.Linearisations);
                Assert.True(lin.LastFullFraction < 0.1, $"near θ0 {lin.LastFullFraction:P1} of the events went through the network");
            }
            if (step == 1e-5 && after) return;
        }
        Assert.Fail("the far points should have re-linearised");
    }

    [Fact]
    public void ResetLinearisationStartsAfreshWithoutChangingResults()
    {
        var (lin, full) = Build(Activation.ReLU, 3, Precision.Double);
        double[] near = [0.01, -0.02, 0.005];
        var g = new double[3]; var gAfter = new double[3];
        double before = lin.ValueAndGradient(near, g);
        Assert.Equal(1, lin.Linearisations);
        Assert.Equal([0.01, -0.02, 0.005], lin.ReferencePoint!);
        lin.ResetLinearisation();
        Assert.Null(lin.ReferencePoint);
        double[] other = [0.02, -0.01, 0.0];
        lin.Value(other);   // the first call after a reset linearises at its own point
        Assert.Equal(2, lin.Linearisations);
        Assert.Equal(other, lin.ReferencePoint!);
        Close(full.Value(other), lin.Value(other), 1e-9, "value after reset");
        Close(before, lin.ValueAndGradient(near, gAfter), 1e-9, "value at the first point");
        for (int k = 0; k < 3; k++) Close(g[k], gAfter[k], 1e-9, $"gradient {k}");
    }

    [Fact]
    public void ResultsDoNotDependOnThreadCount()
    {
        var net = TestNetworks.Random(Activation.ReLU, 3, seed: 73);
        var options = TestNetworks.Options(3, Precision.Single, 2.0 * Events);
        var code = fixture.Nll("lin-ReLU-3-Single", net, options);
        var (x, w) = TestNetworks.Data(Events * 20, net.FeatureCount, seed: 9);
        var one = new CompiledNll(code.Instance, x, w, maxThreads: 1);
        var four = new CompiledNll(code.Instance, x, w, maxThreads: 4);
        foreach (double step in new[] { 0, 1e-3, 0.05, 0.5 })
        {
            var theta = new[] { 0.1 + step, -0.2 - step, 0.05 + step };
            var g1 = new double[3]; var g4 = new double[3];
            Assert.Equal(one.ValueAndGradient(theta, g1), four.ValueAndGradient(theta, g4));
            Assert.Equal(g1, g4);
            Assert.Equal(one.Value(theta), four.Value(theta));
        }
    }

    [Theory]
    [InlineData(Activation.ReLU, 1)]
    [InlineData(Activation.LeakyReLU, 3)]
    public void FitMatchesFullEvaluation(Activation act, int thetas)
    {
        var relu = SyntheticLikelihood.RandomNetwork(thetas, seed: 80 + thetas, hidden: 30);
        var net = new TheoryAwareNetwork(relu.FeatureNames, relu.ThetaNames, relu.Mean, relu.Std, relu.Shift,
            relu.Layers.Select(l => new DenseLayer(l.Inputs, l.Outputs, l.Weights, l.Bias, l.Activation == Activation.ReLU ? act : l.Activation, 0.05f)).ToList());
        var input = SyntheticLikelihood.Input(net, net.ThetaNames, 5000, seed: 81);
        using var on = new SbiLikelihoodBuilder(net) { Precision = Precision.Double, Threads = 2 };
        using var off = new SbiLikelihoodBuilder(net) { Precision = Precision.Double, Threads = 2, Linearise = false };
        var fits = new[] { on, off }.Select(b =>
        {
            var nll = b.Build(LikelihoodBackend.CodegenAd, input);
            var minuit = nll.CreateMinuit();
            var migrad = minuit.Migrad();
            Assert.True(migrad.IsValid, migrad.ToString());
            var hesse = minuit.Hesse();
            return (hesse, nll.Compiled!);
        }).ToArray();
        var (a, lin) = fits[0];
        var (b, full) = fits[1];
        Assert.True(lin.Linearising);
        output.WriteLine($"linearised: {a.NFcn} calls, {lin.Linearisations} linearisations, {lin.TotalFullEvents} full events; plain: {b.NFcn} calls, {full.TotalFullEvents}");
        Close(b.Fval, a.Fval, 1e-6, "NLL at the minimum");
        for (int k = 0; k < thetas; k++)
        {
            var (pa, pb) = (a.Parameters[k], b.Parameters[k]);
            Assert.True(Math.Abs(pa.Value - pb.Value) <= 1e-6 * Math.Max(1, Math.Abs(pb.Value)) + 1e-3 * pb.Error, $"{pa.Name}: {pa.Value} vs {pb.Value} ± {pb.Error}");
            Close(pb.Error, pa.Error, 1e-3, $"{pa.Name} error");
        }
        Assert.True(lin.TotalFullEvents < full.TotalFullEvents, "the linearisation should evaluate fewer events through the network");
    }
    [Fact]
    public void SeveralLevelsStayExact()
    {
        // A MIGRAD-like march away from θ0: each stretch leaves the certified region of the previous level, so the
        // cache stacks levels on the tail of the order; every value and gradient must still equal full evaluation.
        var (lin, full) = Build(Activation.ReLU, 3, Precision.Double);
        var g = new double[3]; var gf = new double[3];
        var levels = new List<int>();
        for (int i = 0; i <= 24; i++)
        {
            double s = 0.04 * i;
            double[] theta = [0.05 + s, -0.1 - 0.5 * s, 0.02 + 0.8 * s];
            double v = lin.ValueAndGradient(theta, g), vf = full.ValueAndGradient(theta, gf);
            Close(vf, v, 1e-9, $"NLL at point {i}");
            for (int k = 0; k < 3; k++) Close(gf[k], g[k], 1e-9, $"dNLL/dθ{k} at point {i}");
            // A small probe around the newest reference point needs (almost) no network work.
            var probe = lin.ReferencePoint!.Select(t => t + 1e-6).ToArray();
            Close(full.Value(probe), lin.Value(probe), 1e-9, $"value-only NLL near point {i}");
            levels.Add(lin.Linearisations);
        }
        output.WriteLine($"linearisations along the walk: {string.Join(",", levels)}");
        Assert.True(lin.Linearisations >= 3, $"the walk should have built several levels, got {lin.Linearisations}");
        // Back at the start: the first levels were dropped or kept, but the result is exact either way.
        double[] start = [0.05, -0.1, 0.02];
        Close(full.ValueAndGradient(start, gf), lin.ValueAndGradient(start, g), 1e-9, "NLL back at the start");
    }

    [Fact]
    public void PermutedDatasetsGiveTheSameLearnedTerm()
    {
        var net = TestNetworks.Random(Activation.ReLU, 1, seed: 71);
        var code = fixture.Nll("lin-ReLU-1-Double", net, TestNetworks.Options(1, Precision.Double, 2.0 * Events));
        var (x, w) = TestNetworks.Data(Events, net.FeatureCount, seed: 9);
        var data = code.Instance.Bind(x, w, Events);
        data.PrepareReference(0, data.Blocks);
        double[] theta = [0.3];
        double v = data.Value(0, data.Blocks, theta);
        var reversed = Enumerable.Range(0, Events).Reverse().ToArray();
        var copy = data.Permute(reversed, Serial);
        Close(v, copy.Value(0, copy.Blocks, theta), 1e-12, "learned term of the reversed copy");
        Close(v, data.Value(0, data.Blocks, theta), 1e-15, "the original after copying");
        int be = code.Instance.BlockEvents, first = be;
        var tail = Enumerable.Range(first, Events - first).Reverse().ToArray();
        double head = data.Value(0, 1, theta);
        data.PermuteTail(1, tail, Serial);
        Close(head, data.Value(0, 1, theta), 1e-15, "the block before the tail does not move");
        Close(v, data.Value(0, data.Blocks, theta), 1e-12, "learned term after reordering the tail");
        Assert.Contains("not in the tail", Assert.Throws<ArgumentException>(() => data.PermuteTail(1, tail.Select(i => i == first ? 0 : i).ToArray(), Serial)).Message);
        Assert.Contains("repeats an event", Assert.Throws<ArgumentException>(() => data.PermuteTail(1, tail.Select(i => i == first ? first + 1 : i).ToArray(), Serial)).Message);
        Assert.Contains("needs", Assert.Throws<ArgumentException>(() => data.PermuteTail(1, tail[1..], Serial)).Message);
        Assert.Contains("expected", Assert.Throws<ArgumentException>(() => data.Permute(reversed[1..], Serial)).Message);
        Assert.Contains("not an event index", Assert.Throws<ArgumentException>(() => data.Permute(reversed.Select(i => i == 0 ? Events : i).ToArray(), Serial)).Message);
        Close(v, data.Value(0, data.Blocks, theta), 1e-12, "a rejected order changes nothing");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void DifferencesAreTheValuePartOfTheLinearisation(int thetas)
    {
        // The SM normaliser takes Δ from Differences for a value and from Linearise for a gradient: they must agree exactly.
        var net = TestNetworks.Random(Activation.ReLU, thetas, seed: 73);
        var code = fixture.Nll($"lin-ReLU-{thetas}-Single", net, TestNetworks.Options(thetas, Precision.Single, 2.0 * Events));
        var (x, w) = TestNetworks.Data(Events, net.FeatureCount, seed: 10);
        var data = code.Instance.Bind(x, w, Events);
        data.PrepareReference(0, data.Blocks);
        double[] theta = Enumerable.Range(0, thetas).Select(k => 0.2 - 0.15 * k).ToArray();
        int padded = data.Blocks * code.Instance.BlockEvents;
        var diff = new double[padded];
        var (lin, tan, rad) = (new double[padded], new double[padded * thetas], new double[padded]);
        data.Differences(1, data.Blocks, theta, diff);
        data.Linearise(1, data.Blocks, theta, lin, tan, rad);
        Assert.Equal(lin, diff);
        Assert.Contains(diff, d => d != 0);
        // logit(x, θ) − logit(x, 0) over the whole learned term: −Σ w Δ of the same blocks.
        double sum = 0;
        for (int e = 0; e < Events - code.Instance.BlockEvents; e++) sum -= w[code.Instance.BlockEvents + e] * diff[e];
        Close(data.Value(1, data.Blocks, theta), sum, 1e-9, "−Σ w Δ against the learned term");
    }
}
