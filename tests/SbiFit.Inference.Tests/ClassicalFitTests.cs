using System.Text.Json;
using SbiFit.Data;
using SbiFit.Inference.Templates;
using SbiFit.Physics;

namespace SbiFit.Inference.Tests;

/// <summary>Synthetic training/data tables: the five observables plus random valid w_* columns.</summary>
internal static class ClassicalTables
{
    public const string Coarse = "q2:4,cos_theta_d:3,cos_theta_l:4,chi:3";

    public static EventTable Make(int n, ulong seed, bool withWeights = false)
    {
        var (obs, packed, weights) = SyntheticEvents.Make(n, seed);
        var t = new EventTable($"synthetic-{seed}");
        for (int a = 0; a < 5; a++) t.AddColumn(EventSchema.Features[a], obs[a]);
        for (int k = 0; k < SyntheticEvents.P; k++)
        {
            var col = new double[n];
            for (int e = 0; e < n; e++) col[e] = packed[e * SyntheticEvents.P + k];
            t.AddColumn(WeightMatrixLayout.ColumnNames[k], col);
        }
        if (withWeights) t.AddColumn(EventSchema.Weight, weights);
        return t;
    }
}

public class ClassicalFitTests
{
    private static readonly EventTable Train = ClassicalTables.Make(4000, 11);

    private static Dictionary<string, double> Point(params (string, double)[] p) => p.ToDictionary(x => x.Item1, x => x.Item2);

    [Fact]
    public void AsimovTemplateClosureReturnsThetaGenForVR()
    {
        var fit = ClassicalFit.Create(Train, ClassicalData.AsimovTemplates(Point(("V_R", 0.3))), new[] { "V_R" },
            new ClassicalFitOptions(ClassicalTables.Coarse, Tolerance: 1e-8));
        var r = fit.Fit();
        Assert.True(r.Fit.IsValid, r.Fit.InvalidReason);
        Assert.Equal(0.3, r.Fit["V_R"].Value, 1e-6);
        Assert.True(r.Fit["V_R"].Error > 0);
        Assert.Equal(4000, fit.SmYield, 1e-6); // unit weights, W00 = 1: no rescaling
    }

    [Fact]
    public void AsimovSampleClosureReturnsThetaGenForVRAndSL()
    {
        var gen = Point(("V_R", -0.2), ("S_L", 0.15));
        var fit = ClassicalFit.Create(Train, ClassicalData.AsimovSample(Train, gen), new[] { "V_R", "S_L" },
            new ClassicalFitOptions(ClassicalTables.Coarse, Tolerance: 1e-8));
        var r = fit.Fit();
        Assert.True(r.Fit.IsValid, r.Fit.InvalidReason);
        Assert.Equal(-0.2, r.Fit["V_R"].Value, 1e-6);
        Assert.Equal(0.15, r.Fit["S_L"].Value, 1e-6);
        Assert.True(r.Fit.Fval < 1e-9, $"saturated NLL at the Asimov minimum should vanish, got {r.Fit.Fval}");
    }

    [Fact]
    public void WeightedAsimovSampleIsNormalisedToItsSmTotal()
    {
        var test = ClassicalTables.Make(3000, 12, withWeights: true);
        var fit = ClassicalFit.Create(Train, ClassicalData.AsimovSample(test, Point(("V_R", 0.1))), new[] { "V_R" },
            new ClassicalFitOptions(ClassicalTables.Coarse));
        Assert.Equal(test.GetColumn(EventSchema.Weight).Sum(), fit.SmYield, 1e-8 * fit.SmYield);
        var c = ClassicalData.Coefficients(Point(("V_R", 0.1)));
        double expectedTotal = 0;
        var w = WeightMatrixLayout.ColumnNames.Select(test.GetColumn).ToArray();
        var row = new double[25];
        for (int e = 0; e < test.RowCount; e++)
        {
            for (int k = 0; k < 25; k++) row[k] = w[k][e];
            expectedTotal += test.GetColumn(EventSchema.Weight)[e] * WeightMatrixLayout.Contract(row, c);
        }
        Assert.Equal(expectedTotal, fit.Observed.Sum(), 1e-9 * expectedTotal);
        var r = fit.Fit();
        Assert.True(r.Fit.IsValid, r.Fit.InvalidReason);
        Assert.InRange(r.Fit["V_R"].Value, 0.1 - 5 * r.Fit["V_R"].Error, 0.1 + 5 * r.Fit["V_R"].Error);
    }

    [Fact]
    public void BarlowBeestonLiteConvergesAndDoesNotShrinkTheError()
    {
        var data = ClassicalData.AsimovTemplates(Point(("V_R", 0.3)));
        var off = ClassicalFit.Create(Train, data, new[] { "V_R", "S_L" }, new ClassicalFitOptions(ClassicalTables.Coarse)).Fit();
        var on = ClassicalFit.Create(Train, data, new[] { "V_R", "S_L" },
            new ClassicalFitOptions(ClassicalTables.Coarse, BarlowBeestonLite: true)).Fit();
        Assert.True(on.Fit.IsValid, on.Fit.InvalidReason);
        Assert.Equal(0.3, on.Fit["V_R"].Value, 1e-3);
        foreach (var name in new[] { "V_R", "S_L" })
            Assert.True(on.Fit[name].Error >= off.Fit[name].Error * (1 - 1e-9), $"{name}: BB-lite {on.Fit[name].Error} < plain {off.Fit[name].Error}");
        Assert.True(on.Fit["V_R"].Error > off.Fit["V_R"].Error * 1.001, "MC-stat nuisances should widen the interval");
    }

    [Fact]
    public void NormUncertaintyAddsMuNormAndMinosRuns()
    {
        var fit = ClassicalFit.Create(Train, ClassicalData.AsimovTemplates(Point(("V_R", 0.2))), new[] { "V_R" },
            new ClassicalFitOptions(ClassicalTables.Coarse, NormUncertainty: 0.05, Minos: true));
        var r = fit.Fit();
        Assert.True(r.Fit.IsValid, r.Fit.InvalidReason);
        Assert.Equal(new[] { "V_R", BinnedPoissonLikelihood.NormName }, r.Fit.Names);
        Assert.Equal(1.0, r.Fit[BinnedPoissonLikelihood.NormName].Value, 1e-3);
        var m = r.Fit["V_R"].Minos!;
        Assert.True(m.IsValid);
        Assert.True(m.Lower < 0 && m.Upper > 0);
    }

    [Fact]
    public void NllCurveIsZeroAtTheMinimumAndHalfAtOneSigma()
    {
        var fit = ClassicalFit.Create(Train, ClassicalData.AsimovTemplates(Point(("V_R", 0.3))), new[] { "V_R" },
            new ClassicalFitOptions(ClassicalTables.Coarse, Tolerance: 1e-6));
        var r = fit.Fit();
        double v = r.Fit["V_R"].Value, s = r.Fit["V_R"].Error;
        var curve = fit.NllCurve("V_R", new[] { v, v - s, v + s, v + 3 * s });
        Assert.Equal(0, curve[0], 1e-9);
        Assert.InRange(curve[1], 0.35, 0.65);
        Assert.InRange(curve[2], 0.35, 0.65);
        Assert.True(curve[3] > curve[2]);

        // Profiled curve with two POIs: never below the minimum, zero at the best fit.
        var fit2 = ClassicalFit.Create(Train, ClassicalData.AsimovTemplates(Point(("V_R", 0.3))), new[] { "V_R", "S_L" },
            new ClassicalFitOptions(ClassicalTables.Coarse, Tolerance: 1e-6));
        var best = fit2.Fit().Fit;
        var prof = fit2.NllCurve("V_R", new[] { best["V_R"].Value, best["V_R"].Value + 0.1 });
        Assert.Equal(0, prof[0], 1e-6);
        Assert.True(prof[1] > 0);
        // Profiling S_L can only lower the curve of the V_R-only fit (same Asimov data, both minima at 0).
        Assert.True(prof[1] <= fit.NllCurve("V_R", new[] { best["V_R"].Value + 0.1 })[0] + 1e-6);
    }

    [Fact]
    public void ExportedWorkspaceValidatesAgainstPyhfSchema()
    {
        var fit = ClassicalFit.Create(Train, ClassicalData.AsimovTemplates(Point(("V_R", 0.3))), new[] { "V_R" },
            new ClassicalFitOptions(ClassicalTables.Coarse, BarlowBeestonLite: true));
        var path = Path.Combine(Path.GetTempPath(), $"sbifit-ws-{Guid.NewGuid():N}.json");
        try
        {
            fit.ExportPyhf(path);
            var json = File.ReadAllText(path);
            var check = PyhfWorkspace.Validate(json);
            Assert.True(check.IsValid, string.Join("; ", check.Errors));
            using var doc = JsonDocument.Parse(json);
            var obs = doc.RootElement.GetProperty("observations")[0].GetProperty("data");
            Assert.Equal(fit.Templates.Bins, obs.GetArrayLength());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ResultJsonHasTheSbiFitKeys()
    {
        var r = ClassicalFit.Create(Train, ClassicalData.AsimovTemplates(Point(("V_R", 0.3))), new[] { "V_R" },
            new ClassicalFitOptions(ClassicalTables.Coarse, Minos: true)).Fit();
        using var doc = JsonDocument.Parse(r.ToJson());
        var root = doc.RootElement;
        Assert.Equal("classical", root.GetProperty("likelihood").GetString());
        foreach (var key in new[] { "nll_min", "edm", "nfcn", "valid", "seconds", "bins" }) Assert.True(root.TryGetProperty(key, out _), key);
        var vr = root.GetProperty("parameters").GetProperty("V_R");
        Assert.Equal(r.Fit["V_R"].Value, vr.GetProperty("value").GetDouble());
        Assert.True(vr.GetProperty("minos_lo").GetDouble() < 0);
        Assert.True(vr.GetProperty("minos_hi").GetDouble() > 0);
        Assert.Equal(144, root.GetProperty("bins").GetInt32());
        Assert.Contains("V_R", r.ToString());
    }
}
