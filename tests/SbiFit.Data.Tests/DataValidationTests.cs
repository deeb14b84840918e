namespace SbiFit.Data.Tests;

public class DataValidationTests
{
    private static EventTable WithWeights(params double[] w)
    {
        var t = new EventTable("w.parquet");
        t.AddColumn("weight", w);
        t.AddColumn("q2", w.Select((_, i) => (double)i).ToArray());
        return t;
    }

    [Fact]
    public void GoodWeightsPass() => DataValidation.CheckWeights(WithWeights(0, 1, 2.5), "weight");

    [Theory]
    [InlineData(double.NaN, "non-finite")]
    [InlineData(double.PositiveInfinity, "non-finite")]
    [InlineData(-1.0, "negative")]
    public void BadWeightNamesFileColumnAndRow(double bad, string what)
    {
        var e = Assert.Throws<DataException>(() => DataValidation.CheckWeights(WithWeights(1, 2, bad), "weight"));
        Assert.Contains("w.parquet", e.Message);
        Assert.Contains("'weight'", e.Message);
        Assert.Contains(what, e.Message);
        Assert.Contains("row 2", e.Message);
    }

    [Fact]
    public void NegativeWeightsAllowedWhenAsked() =>
        DataValidation.CheckWeights(WithWeights(-1, 2), "weight", requireNonNegative: false);

    [Fact]
    public void AllZeroWeightsRejected()
    {
        var e = Assert.Throws<DataException>(() => DataValidation.CheckWeights(WithWeights(0, 0, 0), "weight"));
        Assert.Contains("all 3 weights are zero", e.Message);
    }

    [Fact]
    public void EmptyTableRejected()
    {
        var e = Assert.Throws<DataException>(() => DataValidation.RequireNonEmpty(new EventTable("e.csv"), "training sample"));
        Assert.Contains("training sample is empty", e.Message);
        Assert.Contains("e.csv", e.Message);
    }

    [Fact]
    public void MatchFeaturesReturnsInRequestedOrder()
    {
        var t = WithWeights(1, 2);
        var cols = DataValidation.MatchFeatures(t, new[] { "q2", "weight" });
        Assert.Same(t.GetColumn("q2"), cols[0]);
        Assert.Same(t.GetColumn("weight"), cols[1]);
    }

    [Fact]
    public void MatchFeaturesListsEveryMissingOne()
    {
        var t = WithWeights(1, 2);
        var e = Assert.Throws<DataException>(() => DataValidation.MatchFeatures(t, EventSchema.Features));
        foreach (var f in new[] { "cos_theta_d", "cos_theta_l", "chi", "m2_miss" }) Assert.Contains($"'{f}'", e.Message);
        Assert.DoesNotContain("'q2'", e.Message);
        Assert.Contains("available columns: weight, q2", e.Message);
    }

    [Fact]
    public void RequireFiniteFindsFirstBadRowAcrossBlocks()
    {
        var v = new double[5000];
        v[3001] = double.NegativeInfinity;
        v[4000] = double.NaN;
        var e = Assert.Throws<DataException>(() => DataValidation.RequireFinite(v, "m2_miss", "f.parquet"));
        Assert.Contains("row 3001", e.Message);
        Assert.Contains("-Infinity", e.Message);
    }
}
