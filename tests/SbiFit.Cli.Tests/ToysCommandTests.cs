namespace SbiFit.Cli.Tests;

public class ToysCommandTests
{
    [Fact]
    public void ToysWriteOutputsAndSingleToyRerunMatches()
    {
        string dir = StatsFixture.TempDir();
        string data = StatsFixture.Write(StatsFixture.Make(400, 31), dir);
        string outDir = Path.Combine(dir, "toys");
        var (code, output, err) = StatsFixture.Run("toys", "--data", data, "--poi", "V_R", "--theta-gen", "0.3", "--toys", "12", "--seed", "4", "--out", outDir);
        Assert.True(code == 0, err + output);
        Assert.Contains("pull width", output);
        var rows = File.ReadAllLines(Path.Combine(outDir, "toys.csv"));
        Assert.Equal(13, rows.Length);
        Assert.True(new FileInfo(Path.Combine(outDir, "toys_pulls.png")).Length > 1000);
        (code, output, err) = StatsFixture.Run("toys", "--data", data, "--poi", "V_R", "--theta-gen", "0.3", "--seed", "4", "--toy-index", "7");
        Assert.True(code == 0, err);
        Assert.Equal(rows[8], output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].TrimEnd('\r'));
    }

    [Fact]
    public void NonPositiveToyCountIsBadInput()
    {
        string dir = StatsFixture.TempDir();
        string data = StatsFixture.Write(StatsFixture.Make(30, 32), dir);
        var (code, _, err) = StatsFixture.Run("toys", "--data", data, "--poi", "V_R", "--theta-gen", "0.3", "--toys", "0", "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains("--toys", err);
    }
}
