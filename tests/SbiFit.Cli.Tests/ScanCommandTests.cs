namespace SbiFit.Cli.Tests;

public class ScanCommandTests
{
    [Fact]
    public void ScanWritesProfilesAndContours()
    {
        string dir = StatsFixture.TempDir();
        string data = StatsFixture.Write(StatsFixture.Make(800, 21), dir);
        string outDir = Path.Combine(dir, "scan");
        var (code, output, err) = StatsFixture.Run("scan", "--data", data, "--poi", "V_R", "--poi", "S_L", "--asimov", "V_R=0.1",
            "--points", "9", "--contour-points", "8", "--out", outDir);
        Assert.True(code == 0, err + output);
        foreach (var f in new[] { "scan_V_R.csv", "scan_V_R.png", "scan_S_L.csv", "scan_S_L.png", "contour_V_R_S_L.csv", "contour_V_R_S_L.png" })
            Assert.True(File.Exists(Path.Combine(outDir, f)), f);
        var scan = File.ReadAllLines(Path.Combine(outDir, "scan_V_R.csv"));
        Assert.Equal(10, scan.Length);
        Assert.Equal("V_R,delta_nll,valid", scan[0]);
        Assert.Equal(17, File.ReadAllLines(Path.Combine(outDir, "contour_V_R_S_L.csv")).Length);
    }

    [Fact]
    public void InvertedRangeIsBadInput()
    {
        string dir = StatsFixture.TempDir();
        string data = StatsFixture.Write(StatsFixture.Make(50, 22), dir);
        var (code, _, err) = StatsFixture.Run("scan", "--data", data, "--poi", "V_R", "--range", "1:-1", "--out", dir);
        Assert.Equal(2, code);
        Assert.Contains("--range", err);
    }
}
