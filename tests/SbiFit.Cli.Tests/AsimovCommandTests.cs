namespace SbiFit.Cli.Tests;

public class AsimovCommandTests
{
    [Fact]
    public void AsimovSeriesWritesCsvPlotAndSummary()
    {
        string dir = StatsFixture.TempDir();
        string data = StatsFixture.Write(StatsFixture.Make(1000, 11), dir);
        string outDir = Path.Combine(dir, "asimov");
        var (code, output, err) = StatsFixture.Run("asimov", "--data", data, "--poi", "V_R", "--theta-gen", "-0.5,-0.25,0,0.25,0.5", "--out", outDir);
        Assert.True(code == 0, err + output);
        var rows = File.ReadAllLines(Path.Combine(outDir, "asimov.csv"));
        Assert.Equal(6, rows.Length);
        Assert.True(new FileInfo(Path.Combine(outDir, "asimov_nll.png")).Length > 1000);
        Assert.Contains("theta_gen", File.ReadAllText(Path.Combine(outDir, "asimov_summary.txt")));
        // Oracle closure: every fitted value is its theta_gen.
        foreach (var row in rows.Skip(1))
        {
            var c = row.Split(',');
            Assert.Equal(double.Parse(c[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(c[1], System.Globalization.CultureInfo.InvariantCulture), 1e-3);
        }
    }

    [Fact]
    public void InvertedRangeAndWrongPointWidthAreBadInput()
    {
        string dir = StatsFixture.TempDir();
        string data = StatsFixture.Write(StatsFixture.Make(50, 12), dir);
        var (code, _, err) = StatsFixture.Run("asimov", "--data", data, "--poi", "V_R", "--theta-gen", "0.1", "--range", "1:-1", "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains("inverted", err);
        (code, _, err) = StatsFixture.Run("asimov", "--data", data, "--poi", "V_R", "--poi", "S_L", "--theta-gen", "0.1", "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains("--theta-gen", err);
    }
}
