using System.Text.Json;
using SbiFit.Inference.Likelihood;
using SbiFit.Inference.Statistics;

namespace SbiFit.Inference.Tests;

public class StatisticsTests
{
    private static readonly FitOptions Tight = new(Tolerance: 1e-6);

    private static LikelihoodSetup Oracle(int n, ulong seed, params string[] pois)
    {
        var packed = SyntheticMatrices.PackedMatrices(n, seed);
        return LikelihoodSetup.Oracle(packed, pois, RateQuadraticForm.FromEvents(packed));
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(-0.25)]
    [InlineData(0.0)]
    public void OracleAsimovReturnsThetaGenForOnePoi(double gen)
    {
        var setup = Oracle(2000, 11, "V_R");
        var pt = AsimovStudy.RunOne(setup, [gen], new AsimovOptions(Tight, CurvePoints: 21));
        Assert.True(pt.Fit.Valid, pt.Fit.InvalidReason);
        Assert.Equal(gen, pt.Fit["V_R"].Value, 1e-6);
        Assert.True(Math.Abs(pt.Pulls[0]) < 1e-3);
        // Curve is zero at the minimum, positive elsewhere and about 4.5 at ±3σ (near-quadratic).
        Assert.True(pt.Curve.DeltaNll.Min() > -1e-9);
        Assert.InRange(pt.Curve.DeltaNll[0], 3.5, 5.5);
        Assert.Equal(0.0, pt.Curve.DeltaNll[10], 1e-6);
    }

    [Fact]
    public void OracleAsimovReturnsThetaGenForTwoPois()
    {
        var setup = Oracle(2000, 12, "V_R", "S_L");
        var points = AsimovStudy.Run(setup, [[0.2, -0.1], [-0.3, 0.15]], new AsimovOptions(Tight, CurvePoints: 7));
        foreach (var pt in points)
        {
            Assert.True(pt.Fit.Valid, pt.Fit.InvalidReason);
            Assert.Equal(pt.ThetaGen[0], pt.Fit["V_R"].Value, 1e-6);
            Assert.Equal(pt.ThetaGen[1], pt.Fit["S_L"].Value, 1e-6);
            Assert.Equal(7, pt.Curve.X.Length);
            Assert.True(pt.Curve.DeltaNll.Min() > -1e-6);
        }
        var csv = AsimovStudy.ToCsv(points).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, csv.Length);
        Assert.StartsWith("V_R_gen,V_R_min,V_R_error", csv[0]);
    }

    [Fact]
    public void MinosAgreesWithHesseForNearQuadraticOracle()
    {
        var setup = Oracle(20000, 13, "V_R");
        var pt = AsimovStudy.RunOne(setup, [0.1], new AsimovOptions(new FitOptions(Minos: true, Tolerance: 1e-4)));
        var p = pt.Fit["V_R"];
        Assert.True(double.IsFinite(p.MinosLo) && double.IsFinite(p.MinosHi));
        Assert.True(p.MinosLo < 0 && p.MinosHi > 0);
        Assert.Equal(1.0, -p.MinosLo / p.Error, 0.05);
        Assert.Equal(1.0, p.MinosHi / p.Error, 0.05);
    }

    [Fact]
    public void AsimovWeightsAtSmAreOneAndExtendedTermIsInformative()
    {
        var setup = Oracle(500, 14, "V_R");
        Assert.All(setup.AsimovWeights([0.0]), w => Assert.Equal(1.0, w, 1e-12));
        var w = setup.AsimovWeights([0.5]);
        double expected = setup.Rate.Evaluate(setup.CoefficientsAt([0.5])) / setup.Rate.Evaluate(setup.CoefficientsAt([0.0])) * 500;
        Assert.Equal(expected, w.Sum(), 1e-6 * expected);
        Assert.Throws<ArgumentException>(() => setup.Build(Enumerable.Repeat(double.NaN, 500).ToArray()));
    }

    [Fact]
    public void FitSummaryJsonHasTheContractKeys()
    {
        var setup = Oracle(1000, 15, "V_R");
        var (_, fit) = Fitter.Fit(setup.Build(setup.AsimovWeights([0.2])), setup.Parameters(), new FitOptions(Minos: true));
        var summary = FitSummary.From(fit, "oracle", "exact");
        string dir = Directory.CreateTempSubdirectory("sbifit-stats").FullName;
        try
        {
            string path = Path.Combine(dir, "fit.json");
            summary.Write(path);
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            foreach (var key in new[] { "parameters", "nll_min", "edm", "nfcn", "valid", "seconds" }) Assert.True(root.TryGetProperty(key, out _), key);
            var vr = root.GetProperty("parameters").GetProperty("V_R");
            Assert.Equal(fit["V_R"].Value, vr.GetProperty("value").GetDouble());
            Assert.True(vr.GetProperty("minos_lo").GetDouble() < 0);
            Assert.True(vr.GetProperty("minos_hi").GetDouble() > 0);
            Assert.True(root.GetProperty("valid").GetBoolean());
            Assert.Equal("oracle", root.GetProperty("likelihood").GetString());
            Assert.Empty(Directory.GetFiles(dir, "*.tmp*"));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Fact]
    public void ProfileScanAndContoursAroundTheMinimum()
    {
        var setup = Oracle(2000, 16, "V_R", "S_L");
        var (m, fit) = Fitter.Fit(setup.Build(setup.AsimovWeights([0.1, 0.0])), setup.Parameters(), Tight);
        double s = fit["V_R"].Error;
        var scan = ProfileScan.Scan(m, fit, "V_R", 0.1 - 2 * s, 0.1 + 2 * s, 9);
        Assert.All(scan.Valid, Assert.True);
        Assert.Equal(0.0, scan.DeltaNll[4], 1e-5);
        Assert.Equal(2.0, scan.DeltaNll[0], 0.3);    // profile ΔNLL at 2σ is 2 for a near-quadratic NLL
        Assert.Throws<ArgumentException>(() => ProfileScan.Scan(m, fit, "V_R", 1, -1, 9));
        var c1 = ProfileScan.Contour(m, "V_R", "S_L", 1, 12);
        var c2 = ProfileScan.Contour(m, "V_R", "S_L", 2, 12);
        double r1 = c1.X.Max() - c1.X.Min(), r2 = c2.X.Max() - c2.X.Min();
        Assert.True(r2 > r1);
        Assert.Equal(Math.Sqrt(6.18 / 2.30), r2 / r1, 0.1);
        Assert.Contains("sigmas,V_R,S_L,valid", ProfileScan.ToCsv([c1, c2]));
    }

    [Fact]
    public void ToyPullsAreStandardNormalAndCoverageIs68Percent()
    {
        var setup = Oracle(1000, 17, "V_R");
        var toys = ToyStudy.Run(setup, [0.0], 200, seed: 5);
        var s = ToyStudy.Summarise(toys);
        Assert.True(s.ValidToys >= 195);
        Assert.InRange(s.PullMean, -0.25, 0.25);
        Assert.InRange(s.PullWidth, 0.82, 1.18);
        Assert.InRange(s.Coverage, 0.58, 0.78);
        Assert.Equal(s.PullWidth / Math.Sqrt(2.0 * (s.ValidToys - 1)), s.PullWidthError, 1e-12);
    }

    [Fact]
    public void ToysAreDeterministicAndSingleToysRerun()
    {
        var setup = Oracle(300, 18, "V_R");
        var a = ToyStudy.Run(setup, [0.2], 8, seed: 9, new ToyOptions(MaxParallelism: 1));
        var b = ToyStudy.Run(setup, [0.2], 8, seed: 9, new ToyOptions(MaxParallelism: 4));
        Assert.Equal(a, b);
        Assert.Equal(a[5], ToyStudy.RunSingle(setup, [0.2], 5, seed: 9));
        var c = ToyStudy.Run(setup, [0.2], 8, seed: 10);
        Assert.NotEqual(a[0].ThetaMin, c[0].ThetaMin);
        Assert.Equal(9, ToyStudy.ToCsv(a).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void OracleNllGradientMatchesFiniteDifferences()
    {
        var setup = Oracle(400, 20, "V_R", "Im_V_R", "S_L");
        var nll = setup.Build(setup.AsimovWeights([0.2, -0.1, 0.05]));
        Assert.True(nll.HasGradient);
        double[] p = [0.1, 0.05, -0.2];
        var g = new double[3];
        nll.ValueAndGradient(p, g);
        for (int k = 0; k < 3; k++)
        {
            double h = 1e-6;
            var up = (double[])p.Clone(); up[k] += h;
            var dn = (double[])p.Clone(); dn[k] -= h;
            double fd = (nll.Value(up) - nll.Value(dn)) / (2 * h);
            Assert.Equal(fd, g[k], 1e-4 * Math.Max(1, Math.Abs(fd)));
        }
    }

    [Fact]
    public void BadInputIsRejectedWithClearErrors()
    {
        var setup = Oracle(100, 19, "V_R");
        Assert.Contains("theta_gen", Assert.Throws<ArgumentException>(() => setup.AsimovWeights([0.1, 0.2])).Message);
        Assert.Contains("Unknown Wilson", Assert.Throws<ArgumentException>(() => Oracle(10, 1, "X_Y")).Message);
        Assert.Throws<ArgumentException>(() => ToyStudy.Run(setup, [0.0], 0, 1));
        Assert.Throws<ArgumentException>(() => AsimovStudy.Run(setup, [[0.0]], new AsimovOptions(CurveRange: (1, -1))));
    }
}
