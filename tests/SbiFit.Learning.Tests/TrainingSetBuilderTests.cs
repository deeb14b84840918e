using SbiFit.Data;
using SbiFit.Physics;

namespace SbiFit.Learning.Tests;

public class TrainingSetBuilderTests
{
    private static readonly TrainingSetOptions Truth = new() { Features = TruthSampleUtil.TruthFeatures };

    [Fact]
    public void SmWeightsSumToNAndClassesBalance()
    {
        var table = TruthSampleUtil.SmTable(3000, 5);
        var data = TrainingSetBuilder.Build(table, [ThetaRange.Parse("V_R:-1:1")], 9, Truth);
        Assert.Equal(3000, data.Count);
        double sumSm = data.WeightSm.Sum(), sumNp = data.WeightNp.Sum();
        Assert.Equal(3000, sumSm, 6);
        Assert.Equal(sumSm, sumNp, 6);
        // W is W/W00, so every SM weight is N/I(0) = 1.
        Assert.All(data.WeightSm, w => Assert.Equal(1.0, w, 9));
        Assert.All(data.Theta, t => Assert.InRange(t, -1, 1));
    }

    [Fact]
    public void WithoutRescalingAFixedThetaGivesExactBalanceAndPerThetaBandsBalance()
    {
        var table = TruthSampleUtil.SmTable(4000, 6);
        table.AddColumn("theta_V_R", Enumerable.Repeat(0.7, 4000).ToArray());
        var fixedTheta = TrainingSetBuilder.Build(table, [ThetaRange.Parse("V_R:-1:1")], 1, Truth with { ExactClassBalance = false });
        Assert.All(fixedTheta.Theta, t => Assert.Equal(0.7, t));
        Assert.Equal(fixedTheta.WeightSm.Sum(), fixedTheta.WeightNp.Sum(), 6);

        table.RemoveColumn("theta_V_R");
        var drawn = TrainingSetBuilder.Build(table, [ThetaRange.Parse("V_R:-1:1")], 1, Truth with { ExactClassBalance = false });
        // In every θ band, NP and SM weight sums agree up to sampling noise of the events in the band.
        for (double lo = -1; lo < 1; lo += 0.5)
        {
            double sm = 0, np = 0; int count = 0;
            for (int i = 0; i < drawn.Count; i++)
                if (drawn.Theta[i] >= lo && drawn.Theta[i] < lo + 0.5) { sm += drawn.WeightSm[i]; np += drawn.WeightNp[i]; count++; }
            Assert.InRange(np / sm, 1 - 5 / Math.Sqrt(count), 1 + 5 / Math.Sqrt(count));
        }
    }

    [Fact]
    public void NpWeightIsTheExactReweightingNormalised()
    {
        var table = TruthSampleUtil.SmTable(500, 7);
        var data = TrainingSetBuilder.Build(table, [ThetaRange.Parse("S_L:-0.5:0.5")], 3, Truth with { ExactClassBalance = false });
        var packed = TrainingSetBuilder.ReadPacked(table);
        int i = 17;
        double theta = data.Theta[i];
        var c = WilsonCoefficients.Parse(FormattableString.Invariant($"S_L={theta}")).ToVector();
        double iTheta = 0;
        for (int e = 0; e < 500; e++) iTheta += WeightMatrixLayout.Contract(packed.AsSpan(e * 25, 25), c);
        double expected = 500 * WeightMatrixLayout.Contract(packed.AsSpan(i * 25, 25), c) / iTheta;
        Assert.Equal(expected, data.WeightNp[i], 9);
    }

    [Fact]
    public void SameSeedSameDrawsAndAliasesMapToTheSameCoefficient()
    {
        var table = TruthSampleUtil.SmTable(200, 8);
        var a = TrainingSetBuilder.Build(table, [ThetaRange.Parse("V_R:-1:1")], 4, Truth);
        var b = TrainingSetBuilder.Build(table, [ThetaRange.Parse("V_RL:-1:1")], 4, Truth);
        Assert.Equal(a.Theta, b.Theta);
        Assert.Equal(a.WeightNp, b.WeightNp);
        var basis = new ThetaBasis(["V_R", "Im_T_L"]);
        var c = basis.ToC([0.5, 0.25]);
        Assert.Equal(new System.Numerics.Complex(0.5, 0), c[1]);
        Assert.Equal(new System.Numerics.Complex(0, 0.25), c[4]);
    }

    [Fact]
    public void BadInputsNameTheProblem()
    {
        var table = TruthSampleUtil.SmTable(50, 9);
        var vr = new[] { ThetaRange.Parse("V_R:-1:1") };
        Assert.Contains("q2", Assert.Throws<TrainingDataException>(() => TrainingSetBuilder.Build(table, vr, 1)).Message);
        Assert.Contains("not a Wilson coefficient", Assert.Throws<TrainingDataException>(
            () => TrainingSetBuilder.Build(table, [new ThetaRange("theta0", -1, 1)], 1, Truth)).Message);
        Assert.Throws<ArgumentException>(() => ThetaRange.Parse("V_R:1:-1"));
        Assert.Contains("empty", Assert.Throws<TrainingDataException>(
            () => TrainingSetBuilder.Build(table.Slice(0, 0), vr, 1, Truth)).Message);

        var noW = new EventTable("no_w.parquet");
        foreach (var f in TruthSampleUtil.TruthFeatures) noW.AddColumn(f, table.GetColumn(f));
        Assert.Contains("no weight-matrix columns", Assert.Throws<TrainingDataException>(
            () => TrainingSetBuilder.Build(noW, vr, 1, Truth)).Message);

        var nan = table.Select(Enumerable.Range(0, 50).ToArray());
        var q2 = nan.GetColumn(EventSchema.TrueQ2).ToArray(); q2[3] = double.NaN; nan.SetColumn(EventSchema.TrueQ2, q2);
        Assert.Contains("true_q2", Assert.Throws<TrainingDataException>(() => TrainingSetBuilder.Build(nan, vr, 1, Truth)).Message);
    }
}
