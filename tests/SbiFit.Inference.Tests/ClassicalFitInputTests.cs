using SbiFit.Data;
using SbiFit.Inference.Templates;
using SbiFit.Physics;

namespace SbiFit.Inference.Tests;

public class ClassicalFitInputTests
{
    private static readonly EventTable Train = ClassicalTables.Make(500, 21);
    private static readonly Dictionary<string, double> Vr = new() { ["V_R"] = 0.3 };

    private static TemplateException Fails(Func<object> action) => Assert.Throws<TemplateException>(action);

    [Fact]
    public void MissingWeightMatrixColumnIsNamed()
    {
        var t = ClassicalTables.Make(100, 22);
        t.RemoveColumn(WeightMatrixLayout.ColumnNames[7]);
        var ex = Fails(() => ClassicalFit.Create(t, ClassicalData.AsimovTemplates(Vr), new[] { "V_R" }));
        Assert.Contains(WeightMatrixLayout.ColumnNames[7], ex.Message);
        Assert.Contains("training", ex.Message);
    }

    [Fact]
    public void AsimovSampleWithoutWeightMatricesIsNamed()
    {
        var data = ClassicalTables.Make(100, 23);
        data.RemoveColumn(WeightMatrixLayout.ColumnNames[0]);
        var ex = Fails(() => ClassicalFit.Create(Train, ClassicalData.AsimovSample(data, Vr), new[] { "V_R" }));
        Assert.Contains(WeightMatrixLayout.ColumnNames[0], ex.Message);
    }

    [Fact]
    public void BadBinningSpecAndUnknownObservableAreRejected()
    {
        Assert.Contains("'pt'", Fails(() => ClassicalFit.Create(Train, ClassicalData.AsimovTemplates(Vr), new[] { "V_R" },
            new ClassicalFitOptions("pt:5"))).Message);
        Assert.Contains("q2:x", Fails(() => ClassicalFit.Create(Train, ClassicalData.AsimovTemplates(Vr), new[] { "V_R" },
            new ClassicalFitOptions("q2:x"))).Message);
    }

    [Fact]
    public void UnknownPoiAndEmptySamplesAreRejected()
    {
        Assert.Contains("X_Y", Fails(() => ClassicalFit.Create(Train, ClassicalData.AsimovTemplates(Vr), new[] { "X_Y" })).Message);
        Assert.Contains("no parameter", Fails(() => ClassicalFit.Create(Train, ClassicalData.AsimovTemplates(Vr), Array.Empty<string>())).Message);
        var empty = Train.Slice(0, 0);
        Assert.Contains("empty", Fails(() => ClassicalData.Observed(empty)).Message);
        Assert.Contains("empty", Fails(() => ClassicalFit.Create(empty, ClassicalData.AsimovTemplates(Vr), new[] { "V_R" })).Message);
    }

    [Fact]
    public void AsimovPointParsing()
    {
        var p = ClassicalData.ParsePoint("V_R=0.3, Im(S_L)=-1e-2");
        Assert.Equal(0.3, p["V_R"]);
        Assert.Equal(-0.01, p["Im(S_L)"]);
        Assert.Contains("'V_R'", Fails(() => ClassicalData.ParsePoint("V_R=0.3,V_R=0.1")).Message);
        Assert.Contains("NAME=VALUE", Fails(() => ClassicalData.ParsePoint("V_R")).Message);
        Assert.Contains("Q_Q", Fails(() => ClassicalData.ParsePoint("Q_Q=1")).Message);
    }

    [Fact]
    public void ObservedDataAreCountedAndSetTheSmYield()
    {
        var data = ClassicalTables.Make(800, 24, withWeights: true);
        var fit = ClassicalFit.Create(Train, ClassicalData.Observed(data), new[] { "V_R" }, new ClassicalFitOptions(ClassicalTables.Coarse));
        double total = data.GetColumn(EventSchema.Weight).Sum();
        Assert.Equal(total, fit.Observed.Sum(), 1e-9 * total);
        Assert.Equal(total, fit.SmYield, 1e-9 * total);
        var r = fit.Fit();
        Assert.True(double.IsFinite(r.Fit.Fval));
    }
}
