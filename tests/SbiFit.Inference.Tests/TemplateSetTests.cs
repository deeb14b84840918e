using System.Numerics;
using SbiFit.Inference.Templates;
using SbiFit.Physics;

namespace SbiFit.Inference.Tests;

public class TemplateSetTests
{
    private const int P = SyntheticEvents.P;

    [Fact]
    public void PredictionForRandomComplexCEqualsReweightedHistogram()
    {
        var (obs, packed, weights) = SyntheticEvents.Make(5000, 11);
        var binning = Binning.Parse("q2:4,cos_theta_d:3,cos_theta_l:2,chi:3,m2_miss:-2,-0.5,0,0.5,2,6");
        var t = TemplateSet.Build(binning, obs, packed, weights, expectedYield: 1234.5);
        var rng = new Rng(5);
        for (int trial = 0; trial < 4; trial++)
        {
            var c = SyntheticEvents.RandomC(rng);
            var w = new double[5000];
            for (int e = 0; e < w.Length; e++) w[e] = t.Scale * weights[e] * WeightMatrixLayout.Contract(packed.AsSpan(e * P, P), c);
            var reference = binning.Histogram(obs, w);
            var nu = t.Expected(c);
            for (int b = 0; b < nu.Length; b++)
                Assert.True(Math.Abs(nu[b] - reference[b]) <= 1e-10 * Math.Abs(reference[b]) + 1e-300, $"bin {b}: {nu[b]} vs {reference[b]}");
        }
        Assert.Equal(1234.5, t.Expected(TemplateSet.StandardModel()).Sum(), 9);
        Assert.Equal(5000, t.Entries.Sum());
    }

    [Fact]
    public void ColumnInputMatchesFlatInputAndSumW2IsNominalSquares()
    {
        var (obs, packed, weights) = SyntheticEvents.Make(3000, 12);
        var binning = Binning.Parse("q2:3,chi:4").Axes;
        var b2 = new Binning(binning);
        var obs2 = new[] { obs[0], obs[3] };
        var columns = Enumerable.Range(0, P).Select(k => Enumerable.Range(0, 3000).Select(e => packed[e * P + k]).ToArray()).ToArray();
        var flat = TemplateSet.Build(b2, obs2, packed, weights);
        var cols = TemplateSet.Build(b2, obs2, columns, weights);
        Assert.Equal(flat.Matrices.ToArray(), cols.Matrices.ToArray());

        var cNom = new Complex[] { 1, new(0.3, -0.2), 0, 0.1, 0 };
        var t = TemplateSet.Build(b2, obs2, packed, weights, nominal: cNom);
        var w2 = new double[3000];
        for (int e = 0; e < w2.Length; e++) w2[e] = Math.Pow(weights[e] * WeightMatrixLayout.Contract(packed.AsSpan(e * P, P), cNom), 2);
        var reference = b2.Histogram(obs2, w2);
        for (int b = 0; b < reference.Length; b++) Assert.Equal(reference[b], t.SumW2[b], 1e-9 * reference[b]);
        var rel = t.RelativeStatError();
        var nu = t.Expected(cNom);
        Assert.Equal(Math.Sqrt(reference[0]) / nu[0], rel[0], 1e-12);
    }

    [Fact]
    public void BuildIsDeterministic()
    {
        var (obs, packed, weights) = SyntheticEvents.Make(66_000, 13); // more than one 65536-event chunk
        var a = TemplateSet.Build(Binning.Default(), obs, packed, weights);
        var b = TemplateSet.Build(Binning.Default(), obs, packed, weights);
        Assert.Equal(a.Matrices.ToArray(), b.Matrices.ToArray());
        Assert.Equal(a.SumW2, b.SumW2);
    }

    [Fact]
    public void BadInputsNameTheProblem()
    {
        var (obs, packed, _) = SyntheticEvents.Make(10, 14);
        var binning = Binning.Default();
        Assert.Contains("expected 10 events", Assert.Throws<TemplateException>(() => TemplateSet.Build(binning, obs, packed[..^1])).Message);
        packed[3 * P + WeightMatrixLayout.ImIndex(1, 2)] = double.NaN;
        var ex = Assert.Throws<TemplateException>(() => TemplateSet.Build(binning, obs, packed));
        Assert.Contains("w_im_12", ex.Message);
        Assert.Contains("event 3", ex.Message);
        Assert.Throws<TemplateException>(() => TemplateSet.Build(binning, obs.Take(4).ToArray(), packed));
        Assert.Throws<TemplateException>(() => TemplateSet.Build(binning, obs, new double[10 * P], expectedYield: 5)); // SM sum zero
    }
}
