using SbiFit.Inference.Likelihood;
using System.Numerics;
using SbiFit.Inference.Templates;
using SbiFit.Physics;

namespace SbiFit.Inference.Tests;

public class TemplateLikelihoodTests
{
    private static readonly Lazy<TemplateSet> Templates = new(() =>
    {
        var (obs, packed, weights) = SyntheticEvents.Make(20_000, 21);
        return TemplateSet.Build(Binning.Parse("q2:4,cos_theta_d:5,m2_miss:-2,-0.5,0,0.5,2,6"), new[] { obs[0], obs[1], obs[4] },
            packed, weights, expectedYield: 5000);
    });

    private static double[] PoissonData(TemplateSet t, Complex[] c, ulong seed)
    {
        var rng = new Rng(seed);
        return t.Expected(c).Select(nu => (double)rng.NextPoisson(nu)).ToArray();
    }

    /// <summary>1-D minimisation by grid; to be replaced by the Minuit minimiser when it lands.</summary>
    private static double MinimiseOnGrid(IObjective f, double lo, double hi, int steps)
    {
        double best = double.NaN, bestF = double.PositiveInfinity;
        for (int i = 0; i <= steps; i++)
        {
            double x = lo + (hi - lo) * i / steps, v = f.Value(new[] { x });
            if (v < bestF) { bestF = v; best = x; }
        }
        return best;
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(0.0)]
    [InlineData(0.37)]
    public void AsimovClosureGradientVanishesAndGridMinimumIsThetaGen(double thetaGen)
    {
        var t = Templates.Value;
        var map = new WilsonParameterMap(new[] { "V_R" });
        var asimov = t.Expected(map.Map(new[] { thetaGen }));
        var nll = new BinnedPoissonLikelihood(t, asimov, map);
        var g = new double[1];
        double v = nll.ValueAndGradient(new[] { thetaGen }, g);
        Assert.Equal(0.0, v, 1e-9);
        double gradScale = asimov.Sum(); // gradient terms are O(ν); relative zero
        Assert.True(Math.Abs(g[0]) < 1e-8 * gradScale, $"gradient {g[0]}");
        Assert.Equal(thetaGen, MinimiseOnGrid(nll, thetaGen - 0.5, thetaGen + 0.5, 1000), 9);
        // The minimum is strict: neighbours on the grid are higher.
        Assert.True(nll.Value(new[] { thetaGen + 1e-3 }) > v && nll.Value(new[] { thetaGen - 1e-3 }) > v);
    }

    public static TheoryData<bool, double?> Configs() => new()
    {
        { false, null }, { true, null }, { false, 0.05 }, { true, 0.05 }, { true, double.PositiveInfinity },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public void AnalyticGradientMatchesFiniteDifferences(bool bb, double? norm)
    {
        var t = Templates.Value;
        var map = new WilsonParameterMap(new[] { "V_R", "Re(S_L)", "Im(T_L)", "V_L" });
        var data = PoissonData(t, map.Map(new[] { 0.2, -0.1, 0.05, 0.02 }), 99);
        var nll = new BinnedPoissonLikelihood(t, data, map, new BinnedLikelihoodOptions(bb, norm));
        Assert.Equal(norm is null ? 4 : 5, nll.Dimension);
        var p = norm is null ? new[] { 0.1, 0.05, -0.1, 0.03 } : new[] { 0.1, 0.05, -0.1, 0.03, 1.04 };
        var g = new double[p.Length];
        double v = nll.ValueAndGradient(p, g);
        Assert.Equal(v, nll.Value(p), 12);
        for (int k = 0; k < p.Length; k++)
        {
            const double h = 1e-5;
            var pp = (double[])p.Clone(); pp[k] += h;
            var pm = (double[])p.Clone(); pm[k] -= h;
            double fd = (nll.Value(pp) - nll.Value(pm)) / (2 * h);
            Assert.True(Math.Abs(fd - g[k]) <= 1e-6 * Math.Max(1.0, Math.Abs(g[k])), $"{nll.ParameterNames[k]}: analytic {g[k]} vs FD {fd}");
        }
    }

    [Fact]
    public void BarlowBeestonGammasAreStationaryAndLowerTheNll()
    {
        var t = Templates.Value;
        var map = new WilsonParameterMap(new[] { "V_R" });
        var data = PoissonData(t, map.Map(new[] { 0.3 }), 7);
        var p = new[] { 0.0 };
        var withBb = new BinnedPoissonLikelihood(t, data, map, new BinnedLikelihoodOptions(BarlowBeestonLite: true));
        var without = new BinnedPoissonLikelihood(t, data, map);
        Assert.True(withBb.Value(p) < without.Value(p));
        var gam = withBb.ProfiledGammas(p);
        var nu = t.Expected(map.Map(p));
        var delta = t.RelativeStatError();
        for (int b = 0; b < nu.Length; b++)
        {
            if (delta[b] == 0) { Assert.Equal(1.0, gam[b]); continue; }
            double d2 = delta[b] * delta[b];
            double stationarity = nu[b] - data[b] / gam[b] + (gam[b] - 1) / d2; // ∂/∂γ of γν − n ln γν + (γ−1)²/2δ²
            Assert.True(Math.Abs(stationarity) < 1e-9 * (nu[b] + data[b] / gam[b] + 1), $"bin {b}: {stationarity}");
        }
        Assert.All(without.ProfiledGammas(p), g => Assert.Equal(1.0, g));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EmptyAndZeroExpectationBinsStayFinite(bool bb)
    {
        // 40 events over 2500 bins: most bins have no simulated events (ν = 0, δ = 0).
        var (obs, packed, weights) = SyntheticEvents.Make(40, 31);
        var t = TemplateSet.Build(Binning.Default(), obs, packed, weights);
        var map = new WilsonParameterMap(new[] { "V_R", "S_R" });
        var nuSm = t.Expected(TemplateSet.StandardModel());
        int zeroBin = Array.FindIndex(nuSm, x => x == 0);
        int fullBin = Array.FindIndex(nuSm, x => x > 0);
        var data = new double[t.Bins];
        data[zeroBin] = 2; // observed where nothing is expected
        data[fullBin] = 1;
        foreach (var norm in new double?[] { null, 0.1 })
        {
            var nll = new BinnedPoissonLikelihood(t, data, map, new BinnedLikelihoodOptions(bb, norm));
            var p = norm is null ? new[] { 0.1, -0.2 } : new[] { 0.1, -0.2, 1.0 };
            var g = new double[p.Length];
            double v = nll.ValueAndGradient(p, g);
            Assert.True(double.IsFinite(v) && v > 1000, $"value {v}"); // large finite penalty for n > 0 at ν = 0
            Assert.All(g, x => Assert.True(double.IsFinite(x)));
            var noPenalty = new BinnedPoissonLikelihood(t, new double[t.Bins], map, new BinnedLikelihoodOptions(bb, norm));
            double v0 = noPenalty.ValueAndGradient(p, g);
            Assert.True(double.IsFinite(v0) && v0 >= 0);
            Assert.All(g, x => Assert.True(double.IsFinite(x)));
        }
    }

    [Fact]
    public void ParameterMapHandlesNamesAndRejectsUnknown()
    {
        var map = new WilsonParameterMap(new[] { "V_L", "Im(V_R)", "Re(T_L)" }, new Complex[] { 1, new(0.5, 0), 0, 0, 0 });
        var c = map.Map(new[] { 0.1, -0.2, 0.3 });
        Assert.Equal(new Complex(1.1, 0), c[0]);
        Assert.Equal(new Complex(0.5, -0.2), c[1]);
        Assert.Equal(new Complex(0.3, 0), c[4]);
        Assert.Contains("'C_9'", Assert.Throws<ArgumentException>(() => new WilsonParameterMap(new[] { "C_9" })).Message);
        Assert.Contains("same WC component", Assert.Throws<ArgumentException>(() => new WilsonParameterMap(new[] { "V_R", "Re(V_R)" })).Message);
        var t = Templates.Value;
        Assert.Contains("observed count in bin 0", Assert.Throws<TemplateException>(() =>
            new BinnedPoissonLikelihood(t, Enumerable.Repeat(-1.0, t.Bins).ToArray(), map)).Message);
        Assert.Contains("parameter 'V_L'", Assert.Throws<TemplateException>(() =>
            new BinnedPoissonLikelihood(t, new double[t.Bins], map).Value(new[] { double.NaN, 0, 0 })).Message);
    }
}
