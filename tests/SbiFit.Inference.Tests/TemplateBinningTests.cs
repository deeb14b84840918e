using SbiFit.Data;
using SbiFit.Inference.Templates;

namespace SbiFit.Inference.Tests;

public class TemplateBinningTests
{
    [Fact]
    public void DefaultIsTheSeeds2500Bins()
    {
        var b = Binning.Default();
        Assert.Equal(2500, b.TotalBins);
        Assert.Equal(EventSchema.Features, b.Observables);
        Assert.Equal(new[] { 4, 5, 5, 5, 5 }, b.Axes.Select(a => a.Bins));
        Assert.Equal(10.69, b.Axes[0].Edges[^1]);
        Assert.Equal(-Math.PI, b.Axes[3].Edges[0]);
    }

    [Fact]
    public void AxisClampsOverflowAndRejectsNaN()
    {
        var a = new BinAxis("q2", new[] { 0.0, 1.0, 2.0, 3.0 });
        Assert.Equal(0, a.Index(-5));
        Assert.Equal(0, a.Index(0.0));
        Assert.Equal(1, a.Index(1.0));   // an edge opens the bin above it
        Assert.Equal(1, a.Index(1.999));
        Assert.Equal(2, a.Index(3.0));   // last edge folds into the last bin
        Assert.Equal(2, a.Index(1e9));
        var ex = Assert.Throws<TemplateException>(() => a.Index(double.NaN));
        Assert.Contains("q2", ex.Message);
    }

    [Fact]
    public void BinIndicesAreRowMajorAndNaNNamesColumnAndRow()
    {
        var b = Binning.Parse("q2:0,1,2;chi:0,1,2,3");
        var idx = b.BinIndices(new[] { new[] { 0.5, 1.5, -1.0 }, new[] { 2.5, 0.5, 99.0 } });
        Assert.Equal(new[] { 0 * 3 + 2, 1 * 3 + 0, 0 * 3 + 2 }, idx);
        var ex = Assert.Throws<TemplateException>(() => b.BinIndices(new[] { new[] { 0.5, 1.0 }, new[] { 0.5, double.NaN } }));
        Assert.Contains("'chi'", ex.Message);
        Assert.Contains("row 1", ex.Message);
        var dict = new Dictionary<string, double[]> { ["q2"] = new[] { 1.5 } };
        Assert.Contains("'chi' is missing", Assert.Throws<TemplateException>(() => b.BinIndices(dict)).Message);
    }

    [Fact]
    public void SpecWithExplicitEdgesReproducesDefaultAndRoundTrips()
    {
        var parsed = Binning.Parse("q2:4,cos_theta_d:5,cos_theta_l:5,chi:5,m2_miss:-2,-0.5,0,0.5,2,6");
        Assert.Equal(Binning.Default().ToSpec(), parsed.ToSpec());
        Assert.Equal(parsed.ToSpec(), Binning.Parse(parsed.ToSpec()).ToSpec());
        Assert.Equal(2500, Binning.Parse("").TotalBins);
        Assert.Equal(2500, Binning.Parse(" default ").TotalBins);
        var two = Binning.Parse("m2_miss:5; q2:3");
        Assert.Equal(new[] { "m2_miss", "q2" }, two.Observables);
        Assert.Equal(new[] { -2.0, -0.4, 1.2, 2.8, 4.4, 6.0 }, two.Axes[0].Edges.Select(e => Math.Round(e, 12)));
    }

    [Fact]
    public void QuantileBinsHoldEqualWeightedFractions()
    {
        var (obs, _, weights) = SyntheticEvents.Make(4000, 3);
        var sample = EventSchema.Features.Select((f, i) => (f, obs[i])).ToDictionary(t => t.f, t => t.Item2);
        var b = Binning.Parse("cos_theta_l:q4", sample, weights);
        var h = b.Histogram(new[] { obs[2] }, weights);
        double total = weights.Sum();
        foreach (var x in h) Assert.InRange(x / total, 0.249, 0.251);
        Assert.Equal(-1.0, b.Axes[0].Edges[0]);
        Assert.Equal(1.0, b.Axes[0].Edges[^1]);
        Assert.Equal(2500, Binning.Parse("quantile", sample).TotalBins);
    }

    [Theory]
    [InlineData("foo:4", "unknown observable 'foo'")]
    [InlineData("q2:0", "neither a positive bin count")]
    [InlineData("q2:abc", "neither a positive bin count")]
    [InlineData("q2:1,x", "edge 'x' of 'q2' is not a number")]
    [InlineData("q2:3,1", "strictly increasing")]
    [InlineData("q2:4,q2:5", "appears twice")]
    [InlineData(",q2:4", "empty entry")]
    [InlineData("4", "must start with 'observable:bins'")]
    [InlineData(":4", "no observable name")]
    [InlineData("q2:", "no bin count or edges")]
    [InlineData("q2:q4", "needs the SM sample")]
    [InlineData("chi:1,nan", "must be finite")]
    public void BadSpecsGiveClearErrors(string spec, string expected)
    {
        var ex = Assert.Throws<TemplateException>(() => Binning.Parse(spec));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void QuantileWithTooManyBinsForADiscreteSampleFails()
    {
        var sample = new Dictionary<string, double[]> { ["q2"] = new[] { 1.0, 1.0, 1.0, 2.0 } };
        Assert.Contains("coinciding edges", Assert.Throws<TemplateException>(() => Binning.Parse("q2:q4", sample)).Message);
    }
}
