using System.Text.Json;

namespace SbiFit.Cli.Tests;

public class DiagnoseCommandTests(TrainedModelFixture fx) : IClassFixture<TrainedModelFixture>
{
    [Fact]
    public void DiagnoseWritesPlotsCsvsAndSummary()
    {
        string dir = Path.Combine(fx.Dir, "diag");
        var r = Cli.Run("diagnose", "--model", fx.ModelPath, "--data", fx.DataPath, "--wc", "V_R=0.5", "--wc", "V_R=-0.5", "--out", dir, "--bins", "8");
        Assert.True(r.Exit == 0, r.Err);
        foreach (var tag in new[] { "V_R_0.5", "V_R_-0.5" })
        {
            foreach (var f in TrainedModelFixture.Features)
            {
                Assert.True(File.Exists(Path.Combine(dir, $"ratio_{f}_{tag}.png")), $"ratio_{f}_{tag}.png");
                Assert.Equal(9, File.ReadAllLines(Path.Combine(dir, $"ratio_{f}_{tag}.csv")).Length);
            }
            foreach (var kind in new[] { "roc", "calibration", "logratio" })
            {
                Assert.True(File.Exists(Path.Combine(dir, $"{kind}_{tag}.png")), kind);
                Assert.True(File.Exists(Path.Combine(dir, $"{kind}_{tag}.csv")), kind);
            }
        }
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        var points = json.RootElement.GetProperty("points");
        Assert.Equal(2, points.GetArrayLength());
        double auc = points[0].GetProperty("auc").GetDouble();
        Assert.InRange(auc, 0, 1);
    }

    [Fact]
    public void UnknownThetaNameExitsTwo()
    {
        var r = Cli.Run("diagnose", "--model", fx.ModelPath, "--data", fx.DataPath, "--wc", "S_L=0.5", "--out", Path.Combine(fx.Dir, "d2"));
        Assert.Equal(2, r.Exit);
        Assert.Contains("V_R", r.Err);
    }
}
