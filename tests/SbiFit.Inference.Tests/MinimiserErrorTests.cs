using SbiFit.Inference.Minimisation;

namespace SbiFit.Inference.Tests;

public class MinimiserErrorTests
{
    private static readonly double[,] TrueCov = { { 4.0, 1.2, -0.3 }, { 1.2, 1.0, 0.2 }, { -0.3, 0.2, 0.25 } };
    private static readonly double[] Mu = [1.0, -2.0, 0.5];

    /// <summary>Gaussian NLL 0.5 (x-mu)^T C^-1 (x-mu): HESSE covariance (ErrorDef 0.5) must equal C.</summary>
    private static TestObjective Gaussian()
    {
        var inv = Invert3(TrueCov);
        return new TestObjective(3, x =>
        {
            double s = 0;
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) s += (x[i] - Mu[i]) * inv[i, j] * (x[j] - Mu[j]);
            return 0.5 * s + 10.0;
        });
    }

    [Fact]
    public void Gaussian_HesseCovarianceEqualsTrueOne()
    {
        var m = new Minuit(Gaussian(), [new("a", 0, 1), new("b", 0, 1), new("c", 0, 1)]);
        m.Migrad();
        var r = m.Hesse();
        Assert.True(r.IsValid, r.ToString());
        Assert.True(r.HasAccurateCovariance);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(Mu[i], r.Values[i], 3);
            for (int j = 0; j < 3; j++)
                Assert.True(Math.Abs(r.Covariance[i, j] - TrueCov[i, j]) < 1e-6 * Math.Sqrt(TrueCov[i, i] * TrueCov[j, j]),
                    $"cov[{i},{j}] = {r.Covariance[i, j]} vs {TrueCov[i, j]}");
            Assert.Equal(1.0, r.Correlation[i, i], 12);
        }
        Assert.Equal(1.2 / 2.0, r.Correlation[0, 1], 6);
    }

    [Fact]
    public void Gaussian_MinosEqualsHesseForQuadratic()
    {
        var m = new Minuit(Gaussian(), [new("a", 0, 1), new("b", 0, 1), new("c", 0, 1)]);
        m.Migrad();
        m.Hesse();
        var r = m.Minos();
        for (int i = 0; i < 3; i++)
        {
            var me = r.Parameters[i].Minos!;
            Assert.True(me.IsValid, r.ToString());
            double sigma = Math.Sqrt(TrueCov[i, i]);
            Assert.Equal(-sigma, me.Lower, 3);
            Assert.Equal(sigma, me.Upper, 3);
        }
    }

    [Fact]
    public void AnalyticHessian_GivesSameCovariance()
    {
        var inv = Invert3(TrueCov);
        var baseObj = Gaussian();
        var obj = new TestObjective(3, x => baseObj.Value(x), null, _ => inv);
        var r = new Minuit(obj, [new("a", 0, 1), new("b", 0, 1), new("c", 0, 1)]).Hesse();
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) Assert.Equal(TrueCov[i, j], r.Covariance[i, j], 9);
    }

    /// <summary>
    /// Poisson NLL for n = 5 observed with mean mu: f = mu - n log mu. The profile is asymmetric and MINOS must return
    /// the roots of f(mu) = f(n) + 0.5.
    /// </summary>
    [Fact]
    public void Poisson_MinosIsAsymmetricAndAnalytic()
    {
        const double n = 5;
        static double F(double mu) => mu - n * Math.Log(mu);
        var m = new Minuit(new TestObjective(1, x => F(x[0])), [new("mu", 3, 1, Lower: 1e-6)]);
        var r = m.Migrad();
        Assert.Equal(n, r.Values[0], 3);
        r = m.Minos("mu");
        var me = r["mu"].Minos!;
        double lo = Bisect(mu => F(mu) - F(n) - 0.5, 1e-3, n), hi = Bisect(mu => F(mu) - F(n) - 0.5, n, 50);
        Assert.True(me.IsValid);
        Assert.Equal(lo - n, me.Lower, 2);
        Assert.Equal(hi - n, me.Upper, 2);
        Assert.True(me.Upper > -me.Lower + 0.2, "Poisson interval must be asymmetric");
    }

    [Fact]
    public void MinimumOutsideLimits_EndsAtBoundAndIsFlagged()
    {
        var obj = new TestObjective(2, x => Math.Pow(x[0] + 1, 2) + Math.Pow(x[1] - 3, 2));
        var m = new Minuit(obj, [new("a", 0.5, 0.1, Lower: 0, Upper: 2), new("b", 0, 1)]) { ErrorDef = 1 };
        var r = m.Migrad();
        Assert.True(r["a"].IsAtLimit, r.ToString());
        Assert.False(r["b"].IsAtLimit);
        Assert.True(r.HasParametersAtLimit);
        Assert.True(r["a"].Value < 1e-3, r.ToString());
        Assert.Equal(3.0, r["b"].Value, 1);
    }

    [Fact]
    public void MinimumNearButInsideBound_IsFoundWithSensibleErrors()
    {
        // Minimum at a = 0.3 with sigma 0.1 (3 sigma above the lower limit 0); b single upper limit.
        var obj = new TestObjective(2, x => 0.5 * Math.Pow((x[0] - 0.3) / 0.1, 2) + 0.5 * Math.Pow((x[1] - 1.0) / 0.5, 2));
        var m = new Minuit(obj, [new("a", 1.0, 0.1, Lower: 0), new("b", 0, 0.5, Upper: 2)]);
        m.Migrad();
        var r = m.Hesse();
        Assert.True(r.IsValid, r.ToString());
        Assert.False(r.HasParametersAtLimit);
        Assert.Equal(0.3, r["a"].Value, 3);
        Assert.Equal(1.0, r["b"].Value, 3);
        Assert.Equal(0.1, r["a"].Error, 2);
        Assert.True(Math.Abs(r["b"].Error - 0.5) < 0.025, r.ToString()); // Minuit's mean of the two one-sided images
        Assert.Equal(0.01, r.Covariance[0, 0], 4);
        Assert.Equal(0.25, r.Covariance[1, 1], 3);
    }

    [Fact]
    public void FixedParameter_StaysFixed()
    {
        var obj = new TestObjective(3, x => Math.Pow(x[0] - 1, 2) + Math.Pow(x[1] - 2, 2) + Math.Pow(x[2] - 3, 2) + x[0] * x[1] * 0.1);
        var m = new Minuit(obj, [new("a", 0, 1), new("b", 5, 1, Fixed: true), new("c", 0, 1)]) { ErrorDef = 1 };
        var r = m.Hesse();
        Assert.False(r.IsValid);
        Assert.Contains("MIGRAD has not been run", r.InvalidReason);
        r = m.Migrad();
        Assert.True(r.IsValid, r.ToString());
        Assert.Equal(5.0, r["b"].Value);
        Assert.True(r["b"].IsFixed);
        Assert.Equal(0.0, r.Covariance[1, 1]);
        Assert.Equal(1.0 - 0.25, r["a"].Value, 3); // d/da: 2(a-1) + 0.5 = 0
        Assert.Equal(3.0, r["c"].Value, 3);
    }

    [Fact]
    public void InvertedLimits_ThrowNamingParameter()
    {
        var obj = new TestObjective(1, x => x[0] * x[0]);
        var ex = Assert.Throws<ArgumentException>(() => new Minuit(obj, [new("V_R", 0.5, 0.1, Lower: 1, Upper: -1)]));
        Assert.Contains("V_R", ex.Message);
        var dim = Assert.Throws<ArgumentException>(() => new Minuit(obj, [new("a", 0), new("b", 0)]));
        Assert.Contains("1", dim.Message);
        var m = new Minuit(obj, [new("a", 1)]);
        Assert.Contains("nope", Assert.Throws<ArgumentException>(() => m.Minos("nope")).Message);
    }

    [Fact]
    public void ToString_PrintsNamesValuesAndFlags()
    {
        var m = new Minuit(Gaussian(), [new("alpha", 0, 1), new("beta", 0, 1), new("gamma", 0, 1, Lower: -5, Upper: 5)]);
        m.Migrad();
        var text = m.Minos("alpha").ToString();
        Assert.Contains("Migrad", text);
        Assert.Contains("FCN = 10", text);
        Assert.Contains("Valid Minimum", text);
        foreach (var name in new[] { "alpha", "beta", "gamma" }) Assert.Contains(name, text);
        Assert.Contains("-2", text);
        Assert.Contains("Minos Err-", text);
    }

    [Fact]
    public void Profile_And_Contour_MatchTheQuadraticForm()
    {
        var m = new Minuit(Gaussian(), [new("a", 0, 1), new("b", 0, 1), new("c", 0, 1)]);
        m.Migrad();
        var prof = m.Profile("a", -1, 3, 5);
        foreach (var p in prof)
        {
            Assert.True(p.Valid);
            Assert.Equal(10.0 + 0.5 * Math.Pow(p.Value - Mu[0], 2) / TrueCov[0, 0], p.Fval, 5);
        }
        var c = m.Contour("a", "b", 0.5, 8);
        double det = TrueCov[0, 0] * TrueCov[1, 1] - TrueCov[0, 1] * TrueCov[0, 1];
        foreach (var pt in c)
        {
            Assert.True(pt.Valid);
            double da = pt.X - Mu[0], db = pt.Y - Mu[1];
            double q = (TrueCov[1, 1] * da * da - 2 * TrueCov[0, 1] * da * db + TrueCov[0, 0] * db * db) / det;
            Assert.Equal(1.0, q, 2); // 0.5 * q = delta 0.5
        }
    }

    private static double Bisect(Func<double, double> g, double a, double b)
    {
        for (int i = 0; i < 200; i++)
        {
            double c = 0.5 * (a + b);
            if (Math.Sign(g(c)) == Math.Sign(g(a))) a = c; else b = c;
        }
        return 0.5 * (a + b);
    }

    internal static double[,] Invert3(double[,] a)
    {
        double det = a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1]) - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0])
                   + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]);
        var inv = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
                inv[i, j] = (a[r0, c0] * a[r1, c1] - a[r0, c1] * a[r1, c0]) / det;
            }
        return inv;
    }
}
