using System.Text.Json;
using SbiFit.Cli;

namespace SbiFit.Cli.Tests;

/// <summary>In-process tests of generate, reweight, rates and plot features.</summary>
public sealed class GenerateCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sbifit-cli-gen-" + Guid.NewGuid().ToString("N"));

    public GenerateCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string F(string name) => Path.Combine(_dir, name);

    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    [Fact]
    public void GenerateIsByteIdenticalForOneAndTwoThreads()
    {
        var a = Run("generate", "--events", "20000", "--seed", "5", "--threads", "1", "--out", F("a.parquet"));
        var b = Run("generate", "--events", "20000", "--seed", "5", "--threads", "2", "--out", F("b.parquet"));
        Assert.True(a.Code == 0, a.Err);
        Assert.True(b.Code == 0, b.Err);
        Assert.Contains("generated 20000, accepted", a.Out);
        Assert.Contains("efficiency", a.Out);
        Assert.Equal(File.ReadAllBytes(F("a.parquet")), File.ReadAllBytes(F("b.parquet")));
        var c = Run("generate", "--events", "20000", "--seed", "6", "--out", F("c.parquet"));
        Assert.Equal(0, c.Code);
        Assert.NotEqual(File.ReadAllBytes(F("a.parquet")), File.ReadAllBytes(F("c.parquet")));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp*"));
    }

    [Fact]
    public void ReweightAddsNormalisedWeightAndThetaColumns()
    {
        Assert.Equal(0, Run("generate", "--events", "5000", "--seed", "2", "--truth-only", "--out", F("t.csv")).Code);
        var r = Run("reweight", "--in", F("t.csv"), "--wc", "V_R=0.5", "--out", F("w.csv"));
        Assert.True(r.Code == 0, r.Err);
        var header = File.ReadLines(F("w.csv")).First(l => !l.StartsWith('#')).Split(',');
        int wi = Array.IndexOf(header, "weight");
        Assert.True(wi >= 0, string.Join(",", header));
        var weights = File.ReadLines(F("w.csv")).Where(l => !l.StartsWith('#')).Skip(1)
            .Select(l => double.Parse(l.Split(',')[wi], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(5000, weights.Length);
        Assert.Equal(1.0, weights.Average(), 1e-6);

        var box = Run("reweight", "--in", F("t.csv"), "--theta-uniform", "V_R:-1:1", "--theta-uniform", "S_L:-0.5:0.5",
            "--seed", "3", "--out", F("box.csv"));
        Assert.True(box.Code == 0, box.Err);
        var h2 = File.ReadLines(F("box.csv")).First(l => !l.StartsWith('#'));
        Assert.Contains("theta_V_R", h2);
        Assert.Contains("theta_S_L", h2);
    }

    [Theory]
    [InlineData("missing-file")]
    [InlineData("bad-wc")]
    [InlineData("missing-w")]
    [InlineData("nan-w")]
    [InlineData("bad-range")]
    public void BadInputExitsWithCode2AndLeavesNoOutput(string kind)
    {
        Assert.Equal(0, Run("generate", "--events", "2000", "--seed", "2", "--truth-only", "--out", F("t.csv")).Code);
        var lines = File.ReadAllLines(F("t.csv"));
        int headerRow = Array.FindIndex(lines, l => !l.StartsWith('#'));
        var header = lines[headerRow].Split(',');
        string input = F("t.csv"), wc = "V_R=0.5", theta = "V_R:-1:1";
        string expect;
        switch (kind)
        {
            case "missing-file": input = F("nope.parquet"); expect = "nope.parquet"; break;
            case "bad-wc": wc = "V_X=0.5"; expect = "V_X"; break;
            case "bad-range": theta = "V_R:1:-1"; expect = "--theta-uniform"; break;
            case "missing-w":
            {
                int k = Array.IndexOf(header, "w_re_11");
                var kept = lines.Select((l, i) => i < headerRow ? l : string.Join(",", l.Split(',').Where((_, j) => j != k)));
                input = F("now.csv");
                File.WriteAllLines(input, kept);
                expect = "w_re_11";
                break;
            }
            default:
            {
                int k = Array.IndexOf(header, "w_im_02");
                var cells = lines[headerRow + 5].Split(',');
                cells[k] = "NaN";
                lines[headerRow + 5] = string.Join(",", cells);
                input = F("nan.csv");
                File.WriteAllLines(input, lines);
                expect = "w_im_02";
                break;
            }
        }
        var args = new List<string> { "reweight", "--in", input, "--wc", wc, "--out", F("out.parquet") };
        if (kind == "bad-range") args.AddRange(["--theta-uniform", theta]);
        var r = Run(args.ToArray());
        Assert.Equal(2, r.Code);
        Assert.Contains(expect, r.Err);
        Assert.False(File.Exists(F("out.parquet")));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp*"));
    }

    [Fact]
    public void GenerateRejectsUnknownConfigKeyNamingIt()
    {
        File.WriteAllText(F("gen.json"), "{\"events\": 100, \"detector\": {\"apply_smearin\": false}}");
        var r = Run("generate", "--config", F("gen.json"), "--out", F("x.parquet"));
        Assert.Equal(2, r.Code);
        Assert.Contains("apply_smearin", r.Err);
        Assert.False(File.Exists(F("x.parquet")));
        File.WriteAllText(F("ok.json"), "{\"events\": 500, \"detector\": {\"apply_smearing\": false}}");
        var ok = Run("generate", "--config", F("ok.json"), "--out", F("ok.parquet"));
        Assert.True(ok.Code == 0, ok.Err);
        Assert.Contains("generated 500,", ok.Out);
    }

    [Fact]
    public void RatesJsonHasKeysAndReferenceValues()
    {
        var r = Run("rates", "--json");
        Assert.True(r.Code == 0, r.Err);
        using var doc = JsonDocument.Parse(r.Out);
        var root = doc.RootElement;
        Assert.Equal(0.04908, root.GetProperty("branching_fraction").GetDouble(), 0.3e-2 * 0.04908);
        Assert.Equal(0.5314, root.GetProperty("f_l").GetDouble(), 5e-4);
        Assert.Equal(0.2151, root.GetProperty("a_fb").GetDouble(), 5e-4);
        Assert.Equal(1.0, root.GetProperty("ratio_to_sm").GetDouble(), 1e-12);
        Assert.True(root.GetProperty("gamma_gev").GetDouble() > 0);
        Assert.Equal("mu", root.GetProperty("lepton").GetString());
        var m = root.GetProperty("rate_matrix");
        Assert.Equal(5, m.GetArrayLength());
        Assert.All(m.EnumerateArray(), row => Assert.Equal(5, row.GetArrayLength()));
        Assert.Equal(1.0, m[0][0][0].GetDouble(), 1e-12);
        var vr = Run("rates", "--wc", "V_R=0.5", "--json");
        using var d2 = JsonDocument.Parse(vr.Out);
        Assert.Equal(0.3642, d2.RootElement.GetProperty("ratio_to_sm").GetDouble(), 1e-3);
        Assert.Equal(0.4500, d2.RootElement.GetProperty("a_fb").GetDouble(), 1e-3);
        var tau = Run("rates", "--lepton", "tau", "--json");
        using var d3 = JsonDocument.Parse(tau.Out);
        Assert.Equal(0.01216, d3.RootElement.GetProperty("branching_fraction").GetDouble(), 0.3e-2 * 0.01216);
        var table = Run("rates", "--wc", "V_R=-0.5");
        Assert.Contains("ratio to SM", table.Out);
        Assert.Matches(@"ratio to SM\s+2\.13[56]", table.Out);
        var bad = Run("rates", "--lepton", "nu");
        Assert.Equal(2, bad.Code);
        Assert.Contains("--lepton", bad.Err);
    }

    [Fact]
    public void PlotFeaturesWritesOnePngPerObservableAndCsv()
    {
        Assert.Equal(0, Run("generate", "--events", "20000", "--seed", "2", "--out", F("s.parquet")).Code);
        var r = Run("plot", "features", "--in", F("s.parquet"), "--wc", "V_R=-0.5", "--wc", "V_R=0.5", "--out", F("plots"));
        Assert.True(r.Code == 0, r.Err);
        foreach (var name in new[] { "q2", "cos_theta_d", "cos_theta_l", "chi", "m2_miss" })
        {
            var png = File.ReadAllBytes(Path.Combine(F("plots"), name + ".png"));
            Assert.Equal(0x89, png[0]);
            Assert.Equal((byte)'P', png[1]);
        }
        var csv = File.ReadAllLines(Path.Combine(F("plots"), "features.csv"));
        Assert.Equal("observable,bin_lo,bin_hi,SM,V_R=-0.5,V_R=0.5", csv[0]);
        Assert.Equal(1 + 5 * 40, csv.Length);
    }
}
