using System.Numerics;
using SbiFit.Inference.Likelihood;
using SbiFit.Physics;

namespace SbiFit.Inference.Tests;

public class LikelihoodTests
{
    private static (NllModel model, double[] packed) OracleModel(double[] thetaGen, string[] names, int n = 2000)
    {
        var packed = SyntheticMatrices.PackedMatrices(n, 7);
        var map = new WilsonParameterMap(names);
        var data = SyntheticMatrices.Weights(packed, map.ToC(thetaGen));
        var rate = RateQuadraticForm.FromEvents(packed);
        var idx = Enumerable.Range(0, names.Length).ToArray();
        var model = new NllModel(names.Select(nm => new Parameter(nm, 0.0, 0.1)).ToArray())
            .Add(new OracleRatioTerm(packed, data, map, idx, rate))
            .Add(new ExtendedTerm(rate, map, idx, n, data.Sum()));
        return (model, packed);
    }

    [Fact]
    public void ParabolaFromThreePointsMatchesClosedForm()
    {
        var packed = SyntheticMatrices.PackedMatrices(500, 3);
        var map = new WilsonParameterMap(new[] { "V_R" });
        var rate = RateQuadraticForm.FromEvents(packed);
        double I(double t) => SyntheticMatrices.Weights(packed, map.ToC(new[] { t })).Sum();
        double a = I(0), b = I(0.5) - I(-0.5), c = 2 * (I(0.5) + I(-0.5) - 2 * I(0));
        double predicted = a + b * 0.3 + c * 0.09;
        Assert.Equal(predicted, rate.Evaluate(map, new[] { 0.3 }), 1e-9 * predicted);
        Assert.Equal(I(0.3), predicted, 1e-10 * predicted);
    }

    [Theory]
    [InlineData(new[] { "V_R" }, new[] { 0.3 })]
    [InlineData(new[] { "V_R", "S_L", "Im_T_L" }, new[] { -0.2, 0.1, 0.05 })]
    public void OracleGradientMatchesFiniteDifferences(string[] names, double[] at)
    {
        var (model, _) = OracleModel(new double[names.Length], names);
        var g = new double[names.Length];
        model.ValueAndGradient(at, g);
        for (int k = 0; k < names.Length; k++)
        {
            double h = 1e-5;
            var p = (double[])at.Clone(); p[k] += h;
            double fp = model.Value(p);
            p[k] -= 2 * h;
            double fm = model.Value(p);
            double fd = (fp - fm) / (2 * h);
            Assert.True(Math.Abs(fd - g[k]) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"{names[k]}: analytic {g[k]} vs FD {fd}");
        }
    }

    [Fact]
    public void OracleAsimovGradientVanishesAtGeneratedPoint()
    {
        double[] gen = { 0.25 };
        var (model, _) = OracleModel(gen, new[] { "V_R" });
        var g = new double[1];
        model.ValueAndGradient(gen, g);
        Assert.True(Math.Abs(g[0]) < 1e-8 * Math.Max(1, Math.Abs(model.Value(gen))), $"gradient at theta_gen = {g[0]}");
        Assert.True(model.Value(new[] { 0.24 }) > model.Value(gen));
        Assert.True(model.Value(new[] { 0.26 }) > model.Value(gen));
    }

    [Fact]
    public void ParameterMapRejectsUnknownNamesAndAcceptsAliases()
    {
        var ex = Assert.Throws<ArgumentException>(() => new WilsonParameterMap(new[] { "V_X" }));
        Assert.Contains("V_X", ex.Message);
        var map = new WilsonParameterMap(new[] { "V_RL", "Im_S_LL" });
        var c = map.ToC(new[] { 0.5, 0.2 });
        Assert.Equal(new Complex(1, 0), c[0]);
        Assert.Equal(new Complex(0.5, 0), c[1]);
        Assert.Equal(new Complex(0, 0.2), c[2]);
        Assert.Throws<ArgumentException>(() => new WilsonParameterMap(new[] { "V_R", "V_RL" }));
    }

    [Fact]
    public void InvertedLimitsAreRejectedNamingTheParameter()
    {
        var ex = Assert.Throws<ArgumentException>(() => new NllModel(new[] { new Parameter("V_R", 0, 0.1, 1, -1) }));
        Assert.Contains("V_R", ex.Message);
        Assert.Contains("inverted", ex.Message);
    }
}
