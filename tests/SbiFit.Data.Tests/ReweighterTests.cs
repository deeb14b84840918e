using System.Numerics;
using SbiFit.Data.Reweighting;
using SbiFit.Data.Simulation;
using SbiFit.Physics;
using SbiFit.Physics.Detector;

namespace SbiFit.Data.Tests;

public class ReweighterTests
{
    /// <summary>Truth-only SM sample shared by the reweighting tests (2×10⁴ events, no cuts).</summary>
    internal static readonly Lazy<EventTable> TruthSample = new(() =>
        SampleSimulation.Run(new GeneratorConfig { Events = 20_000, Seed = 11, TruthOnly = true }).Table);

    [Fact]
    public void RawWeightsEqualPerEventContraction() // check 29 through the column layout
    {
        var t = TruthSample.Value;
        var rw = new Reweighter(t);
        var c = WilsonCoefficients.Parse("V_L=0.1,V_R=0.2-0.1i,S_L=0.1i,S_R=-0.2,T_L=0.05+0.02i");
        double[] w = rw.RawWeights(c);
        Complex[] cv = c.ToVector();
        var packed = new double[WeightMatrixLayout.PackedLength];
        for (int i = 0; i < t.RowCount; i += 97)
        {
            for (int k = 0; k < packed.Length; k++) packed[k] = t.GetColumn(WeightMatrixLayout.ColumnNames[k])[i];
            Assert.Equal(WeightMatrixLayout.Contract(packed, cv), w[i], 1e-12);
        }
        Assert.All(rw.RawWeights(WilsonCoefficients.Sm), x => Assert.Equal(1.0, x, 1e-15));
    }

    [Fact]
    public void ClosedFormParabolaAndDirectSumAgree() // check 30
    {
        var rw = new Reweighter(TruthSample.Value);
        var vr = WcComponent.Parse("V_RL");
        Assert.Equal("V_R", vr.Name);
        Parabola p = rw.ThreePointParabola(WilsonCoefficients.Sm, vr);
        foreach (double theta in new[] { 0.3, -0.8, 1.0 })
        {
            var c = Reweighter.Shift(WilsonCoefficients.Sm, vr, theta);
            double direct = rw.RawWeights(c).Sum();
            Assert.Equal(1.0, p.Evaluate(theta) / direct, 1e-10);
            Assert.Equal(1.0, rw.Normalisation(c) / direct, 1e-10);
        }
        // Normalised weights average to 1; the un-normalised mean is Γ(V_R)/Γ_SM (check 31, loosely: 2e4 events).
        Assert.Equal(1.0, rw.NormalisedWeights(Reweighter.Shift(WilsonCoefficients.Sm, vr, 0.5)).Average(), 1e-10);
        Assert.Equal(0.3642, rw.Normalisation(WilsonCoefficients.Parse("V_R=0.5")) / rw.Count, 0.01);
        Assert.Equal(2.1358, rw.Normalisation(WilsonCoefficients.Parse("V_R=-0.5")) / rw.Count, 0.03);
    }

    [Fact]
    public void UniformThetaBoxWeightsEachEventAtItsOwnPoint()
    {
        var t = TruthSample.Value;
        var ranges = new[] { UniformThetaRange.Parse("V_R:-1:1"), UniformThetaRange.Parse("Im_S_L:0:0.5") };
        Assert.Equal("theta_V_R", ranges[0].ColumnName);
        Assert.Equal("theta_Im_S_L", ranges[1].ColumnName);
        var one = new Reweighter(t) { Threads = 1 }.UniformThetaWeights(WilsonCoefficients.Sm, ranges, 5);
        var two = new Reweighter(t) { Threads = 2 }.UniformThetaWeights(WilsonCoefficients.Sm, ranges, 5);
        Assert.Equal(one.Weights, two.Weights);
        Assert.Equal(one.Thetas[0], two.Thetas[0]);
        Assert.All(one.Thetas[0], x => Assert.InRange(x, -1, 1));
        Assert.All(one.Thetas[1], x => Assert.InRange(x, 0, 0.5));
        Assert.InRange(one.Thetas[0].Average(), -0.05, 0.05);
        var rw = new Reweighter(t);
        for (int i = 0; i < t.RowCount; i += 501)
        {
            var c = new WilsonCoefficients(0, one.Thetas[0][i], new Complex(0, one.Thetas[1][i]), 0, 0);
            double expected = rw.Count * rw.RawWeights(c)[i] / rw.Normalisation(c);
            Assert.Equal(expected, one.Weights[i], 1e-9 * Math.Abs(expected));
        }
        var other = rw.UniformThetaWeights(WilsonCoefficients.Sm, ranges, 6);
        Assert.NotEqual(one.Thetas[0], other.Thetas[0]);
    }

    [Theory]
    [InlineData("V_R:1:-1", "below")]
    [InlineData("V_R:0:0", "below")]
    [InlineData("V_R:-1", "NAME:LO:HI")]
    [InlineData("X_Y:-1:1", "X_Y")]
    [InlineData("V_R:a:1", "'a'")]
    public void BadThetaRangesAreRejected(string text, string fragment)
    {
        var e = Assert.Throws<FormatException>(() => UniformThetaRange.Parse(text));
        Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void MissingOrNonFiniteWeightColumnsAreNamed()
    {
        var t = TruthSample.Value.Slice(0, 100);
        t.Source = "sample.parquet";
        t.RemoveColumn("w_re_12");
        var e = Assert.Throws<DataException>(() => new Reweighter(t));
        Assert.Equal("w_re_12", e.Column);
        Assert.Contains("sample.parquet", e.Message);

        var u = TruthSample.Value.Slice(0, 100);
        u.GetColumn("w_im_34")[17] = double.NaN;
        var f = Assert.Throws<DataException>(() => new Reweighter(u));
        Assert.Equal("w_im_34", f.Column);
        Assert.Contains("row 17", f.Message);
    }
}
