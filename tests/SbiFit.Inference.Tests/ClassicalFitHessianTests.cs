using SbiFit.Inference.Minimisation;
using SbiFit.Inference.Templates;

namespace SbiFit.Inference.Tests;

public class ClassicalFitHessianTests
{
    private static readonly Data.EventTable Train = ClassicalTables.Make(3000, 31);

    [Theory]
    [InlineData(null)]
    [InlineData(0.05)]
    [InlineData(double.PositiveInfinity)]
    public void AnalyticHessianMatchesFiniteDifferencesOfTheGradient(double? norm)
    {
        var data = ClassicalData.AsimovTemplates(new Dictionary<string, double> { ["V_R"] = 0.2, ["Im(S_L)"] = 0.1 });
        var fit = ClassicalFit.Create(Train, data, new[] { "V_R", "Im(S_L)", "T_L" },
            new ClassicalFitOptions(ClassicalTables.Coarse, NormUncertainty: norm));
        var f = fit.Objective;
        Assert.True(f.HasHessian);
        int d = f.Dimension;
        var p = norm is null ? new[] { 0.1, -0.2, 0.05 } : new[] { 0.1, -0.2, 0.05, 1.1 };
        Assert.Equal(p.Length, d);
        var h = new double[d * d];
        f.Hessian(p, h);
        var fdh = FiniteDifferenceHessian(f, p);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                Assert.True(Math.Abs(h[i * d + j] - fdh[i, j]) <= 1e-5 * (1 + Math.Abs(fdh[i, j])), $"H[{i},{j}] = {h[i * d + j]}, finite difference {fdh[i, j]}");
    }

    // Central differences of the analytic gradient.
    private static double[,] FiniteDifferenceHessian(IObjective f, double[] p, double eps = 1e-5)
    {
        int d = p.Length;
        var h = new double[d, d];
        var gp = new double[d];
        var gm = new double[d];
        for (int j = 0; j < d; j++)
        {
            var pp = (double[])p.Clone();
            var pm = (double[])p.Clone();
            pp[j] += eps;
            pm[j] -= eps;
            f.ValueAndGradient(pp, gp);
            f.ValueAndGradient(pm, gm);
            for (int i = 0; i < d; i++) h[i, j] = (gp[i] - gm[i]) / (2 * eps);
        }
        return h;
    }

    [Fact]
    public void BarlowBeestonLiteFitUsesNumericalSecondDerivatives()
    {
        var data = ClassicalData.AsimovTemplates(new Dictionary<string, double> { ["V_R"] = 0.2 });
        var fit = ClassicalFit.Create(Train, data, new[] { "V_R" }, new ClassicalFitOptions(ClassicalTables.Coarse, BarlowBeestonLite: true));
        Assert.False(fit.Objective.HasHessian);
    }

    [Fact]
    public void HesseErrorsAgreeWithTheFiniteDifferenceCovariance()
    {
        var data = ClassicalData.AsimovTemplates(new Dictionary<string, double> { ["V_R"] = 0.2, ["S_L"] = -0.1 });
        var fit = ClassicalFit.Create(Train, data, new[] { "V_R", "S_L" },
            new ClassicalFitOptions(ClassicalTables.Coarse, NormUncertainty: 0.1, Tolerance: 1e-6));
        var analytic = fit.Fit().Fit;
        var cov = Invert3(FiniteDifferenceHessian(fit.Objective, analytic.Values.ToArray()));
        // NLL with ErrorDef 0.5: cov = H⁻¹. 1e-3 because mu_norm's limit maps its error through Minuit's internal transform.
        for (int i = 0; i < cov.GetLength(0); i++)
            Assert.Equal(Math.Sqrt(cov[i, i]), analytic.Parameters[i].Error, 1e-3 * analytic.Parameters[i].Error);

        // Minuit's numerical HESSE (no analytic Hessian) agrees to its own accuracy.
        var numeric = new Minuit(fit.Likelihood, fit.Likelihood.DefaultParameters());
        numeric.Migrad();
        var r = numeric.Hesse();
        foreach (var name in analytic.Names)
            Assert.Equal(r[name].Error, analytic[name].Error, 1e-2 * r[name].Error);
    }

    // Inverse of a symmetric 3x3 matrix (V_R, S_L, mu_norm) by cofactors.
    private static double[,] Invert3(double[,] m)
    {
        Assert.Equal(3, m.GetLength(0));
        var inv = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
                inv[i, j] = m[r0, c0] * m[r1, c1] - m[r0, c1] * m[r1, c0];
            }
        double det = m[0, 0] * inv[0, 0] + m[0, 1] * inv[1, 0] + m[0, 2] * inv[2, 0];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) inv[i, j] /= det;
        return inv;
    }
}
