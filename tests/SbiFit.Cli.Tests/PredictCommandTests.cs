using System.Globalization;
using SbiFit.Data;
using SbiFit.Learning.Onnx;

namespace SbiFit.Cli.Tests;

public class PredictCommandTests(TrainedModelFixture fx) : IClassFixture<TrainedModelFixture>
{
    [Theory]
    [InlineData("interpreted")]
    [InlineData("runtime")]
    public void PredictCsvMatchesTheNetwork(string backend)
    {
        int rows = 40;
        var table = fx.Table.Select(Enumerable.Range(0, rows).ToArray());
        table.AddColumn("theta_V_R", Enumerable.Range(0, rows).Select(i => -0.8 + 0.04 * i).ToArray());
        string input = Path.Combine(fx.Dir, $"predict_in_{backend}.csv"), output = Path.Combine(fx.Dir, $"predict_{backend}.csv");
        EventTableIO.Write(table, input);
        var r = Cli.Run("predict", "--model", fx.ModelPath, "--in", input, "--out", output, "--backend", backend);
        Assert.True(r.Exit == 0, r.Err);

        var net = OnnxModelReader.Load(fx.ModelPath).Network!;
        var lines = File.ReadAllLines(output);
        Assert.Equal("row,logit,sigmoid", lines[0]);
        Assert.Equal(rows + 1, lines.Length);
        for (int i = 0; i < rows; i++)
        {
            var x = TrainedModelFixture.Features.Select(f => table.GetColumn(f)[i]).ToArray();
            double expected = net.ReferenceLogit(x, [table.GetColumn("theta_V_R")[i]]);
            var parts = lines[i + 1].Split(',');
            double logit = double.Parse(parts[1], CultureInfo.InvariantCulture);
            Assert.Equal(expected, logit, 1e-4);
            Assert.Equal(1 / (1 + Math.Exp(-logit)), double.Parse(parts[2], CultureInfo.InvariantCulture), 1e-12);
        }
    }

    [Fact]
    public void FixtureModelReadsThetaByItsOwnName()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "SbiFit.sln"))) root = Path.GetDirectoryName(root)!;
        string fixtureModel = Path.Combine(root, "tests", "fixtures", "onnx", "theory_aware_vr.onnx");
        var model = OnnxModelReader.Load(fixtureModel);
        var table = new EventTable();
        foreach (var f in model.FeatureNames) table.AddColumn(f, [0.1, 0.2]);
        foreach (var t in model.ThetaNames) table.AddColumn(t, [0.3, -0.3]);
        string input = Path.Combine(fx.Dir, "fixture_in.csv"), output = Path.Combine(fx.Dir, "fixture_out.csv");
        EventTableIO.Write(table, input);
        var r = Cli.Run("predict", "--model", fixtureModel, "--in", input, "--out", output);
        Assert.True(r.Exit == 0, r.Err);
        Assert.Equal(3, File.ReadAllLines(output).Length);
    }

    [Fact]
    public void MissingColumnsAreListed()
    {
        var table = new EventTable();
        table.AddColumn(TrainedModelFixture.Features[0], [1.0, 2.0]);
        string input = Path.Combine(fx.Dir, "partial.csv");
        EventTableIO.Write(table, input);
        var r = Cli.Run("predict", "--model", fx.ModelPath, "--in", input, "--out", Path.Combine(fx.Dir, "p.csv"));
        Assert.Equal(2, r.Exit);
        foreach (var missing in new[] { "true_cos_theta_d", "true_cos_theta_l", "true_chi", "theta_V_R" }) Assert.Contains(missing, r.Err);
        Assert.Equal(2, Cli.Run("predict", "--model", fx.ModelPath, "--in", input, "--out", "p.csv", "--backend", "gpu").Exit);
    }
}
