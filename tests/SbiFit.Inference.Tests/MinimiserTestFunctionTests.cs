using SbiFit.Inference.Minimisation;

namespace SbiFit.Inference.Tests;

public class MinimiserTestFunctionTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Rosenbrock_FindsOneOne(int strategy)
    {
        var m = new Minuit(new TestObjective(2, TestObjective.Rosenbrock), TestObjective.Free(-1.2, 1.0)) { ErrorDef = 1, Strategy = strategy, Tolerance = 1e-3 };
        var r = m.Migrad();
        Assert.True(r.IsValid, r.ToString());
        Assert.Equal(1.0, r.Values[0], 2);
        Assert.Equal(1.0, r.Values[1], 2);
        Assert.True(r.Fval < 1e-4);
        Assert.True(r.Edm < 0.002 * 0.1 * 1 * 10);
    }

    [Fact]
    public void Powell_SingularMinimumAtOrigin()
    {
        var m = new Minuit(new TestObjective(4, TestObjective.Powell), TestObjective.Free(3, -1, 0, 1)) { ErrorDef = 1, Tolerance = 1e-3 };
        var r = m.Migrad();
        Assert.True(r.IsValid, r.ToString());
        Assert.True(r.Fval < 1e-5, r.ToString());
        foreach (var v in r.Values) Assert.True(Math.Abs(v) < 0.1, r.ToString());
    }

    [Fact]
    public void Wood_FindsAllOnes()
    {
        var m = new Minuit(new TestObjective(4, TestObjective.Wood), TestObjective.Free(-3, -1, -3, -1)) { ErrorDef = 1, Tolerance = 1e-3, MaxCalls = 20000 };
        var r = m.Migrad();
        Assert.True(r.IsValid, r.ToString());
        foreach (var v in r.Values) Assert.Equal(1.0, v, 2);
    }

    [Fact]
    public void GoldsteinPrice_FindsThreeAtZeroMinusOne()
    {
        var m = new Minuit(new TestObjective(2, TestObjective.GoldsteinPrice), TestObjective.Free(-0.2, -0.8)) { ErrorDef = 1 };
        var r = m.Migrad();
        Assert.True(r.IsValid, r.ToString());
        Assert.Equal(3.0, r.Fval, 5);
        Assert.Equal(0.0, r.Values[0], 3);
        Assert.Equal(-1.0, r.Values[1], 3);
    }

    [Fact]
    public void GoldsteinPrice_SaddlePointIsNotAcceptedAsValid()
    {
        // (-0.4, -0.6) is a stationary saddle of Goldstein-Price: the gradient vanishes but the Hessian is indefinite.
        var r = new Minuit(new TestObjective(2, TestObjective.GoldsteinPrice), TestObjective.Free(-0.4, -0.6)) { ErrorDef = 1 }.Migrad();
        Assert.False(r.IsValid && Math.Abs(r.Fval - 35) < 1e-6, r.ToString());
    }

    [Fact]
    public void CallLimit_IsReportedInvalid()
    {
        var m = new Minuit(new TestObjective(2, TestObjective.Rosenbrock), TestObjective.Free(-1.2, 1.0)) { ErrorDef = 1, MaxCalls = 20 };
        var r = m.Migrad();
        Assert.False(r.IsValid);
        Assert.True(r.HasReachedCallLimit);
        Assert.Contains("call limit", r.InvalidReason);
    }

    [Fact]
    public void UnboundedBelow_IsReportedInvalid()
    {
        var m = new Minuit(new TestObjective(1, x => -x[0] * x[0]), TestObjective.Free(1.0));
        var r = m.Migrad();
        Assert.False(r.IsValid);
        Assert.False(string.IsNullOrEmpty(r.InvalidReason));
    }

    [Fact]
    public void NaNRegion_IsAvoidedOrReported()
    {
        // f is NaN for x < 0.5 (log of a negative number); the minimum of (x-2)^2 - log(x-0.5) lies inside.
        var m = new Minuit(new TestObjective(1, x => Math.Pow(x[0] - 2, 2) - Math.Log(x[0] - 0.5)), TestObjective.Free(0.6));
        var r = m.Migrad();
        double expected = (2.5 + Math.Sqrt(2.25 + 2)) / 2; // root of 2(x-2) = 1/(x-0.5)
        Assert.True(r.IsValid, r.ToString());
        Assert.Equal(expected, r.Values[0], 2);
    }

    [Fact]
    public void AnalyticGradient_IsUsedAndCounted()
    {
        var numeric = new TestObjective(2, TestObjective.Rosenbrock);
        var analytic = new TestObjective(2, TestObjective.Rosenbrock, TestObjective.RosenbrockGradient);
        var rn = new Minuit(numeric, TestObjective.Free(-1.2, 1.0)) { ErrorDef = 1 }.Migrad();
        var ra = new Minuit(analytic, TestObjective.Free(-1.2, 1.0)) { ErrorDef = 1 }.Migrad();
        Assert.True(ra.IsValid, ra.ToString());
        Assert.Equal(1.0, ra.Values[0], 1);
        Assert.Equal(analytic.GradientCalls, ra.NGrad);
        Assert.Equal(analytic.ValueCalls, ra.NFcn);
        Assert.True(ra.NGrad > 5);
        Assert.Equal(0, rn.NGrad);
        Assert.Equal(numeric.ValueCalls, rn.NFcn);
        Assert.True(ra.NFcn < rn.NFcn / 2, $"analytic {ra.NFcn} vs numeric {rn.NFcn}");
    }

    [Fact]
    public void AnalyticGradient_CanBeSwitchedOff()
    {
        var analytic = new TestObjective(2, TestObjective.Rosenbrock, TestObjective.RosenbrockGradient);
        var r = new Minuit(analytic, TestObjective.Free(-1.2, 1.0)) { ErrorDef = 1, UseAnalyticGradient = false }.Migrad();
        Assert.Equal(0, analytic.GradientCalls);
        Assert.Equal(1.0, r.Values[0], 2);
    }
}
