using System.Numerics;
using System.Text.Json;
using SbiFit.Data;
using SbiFit.Physics;

namespace SbiFit.Cli.Tests;

/// <summary>Synthetic event files for the statistics commands: the five features plus random PSD weight matrices.</summary>
internal static class StatsFixture
{
    static readonly System.Collections.Concurrent.ConcurrentBag<string> Created = [];

    /// <summary>A fresh folder under /tmp, deleted when the test process exits (the tests read their outputs back first).</summary>
    public static string TempDir()
    {
        if (Created.IsEmpty) AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteAll(Created);
        string dir = Directory.CreateTempSubdirectory("sbifit-cli-stats").FullName;
        Created.Add(dir);
        return dir;
    }

    static void DeleteAll(IEnumerable<string> dirs)
    {
        foreach (var d in dirs)
            try { Directory.Delete(d, recursive: true); } catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SbiFit.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SbiFit.sln not found");
    }

    public static string ModelPath => Path.Combine(RepoRoot(), "tests", "fixtures", "onnx", "theory_aware_vr.onnx");

    public static EventTable Make(int n, ulong seed)
    {
        var rng = new Rng(seed, 3);
        var t = new EventTable();
        var f = new double[5][];
        for (int a = 0; a < 5; a++) f[a] = new double[n];
        var cols = new double[25][];
        for (int k = 0; k < 25; k++) cols[k] = new double[n];
        var full = new Complex[25];
        var packed = new double[25];
        for (int e = 0; e < n; e++)
        {
            f[0][e] = rng.Uniform(0.1, 10.5); f[1][e] = rng.Uniform(-1, 1); f[2][e] = rng.Uniform(-1, 1);
            f[3][e] = rng.Uniform(-Math.PI, Math.PI); f[4][e] = rng.NextGaussian();
            Array.Clear(full);
            for (int r = 0; r < 3; r++)
            {
                var v = new Complex[5];
                for (int i = 0; i < 5; i++) v[i] = new Complex(rng.NextGaussian() + (i == 0 ? 1.5 : 0), i == 0 ? 0 : 0.5 * rng.NextGaussian());
                for (int i = 0; i < 5; i++)
                    for (int j = 0; j < 5; j++) full[i * 5 + j] += v[i] * Complex.Conjugate(v[j]);
            }
            double w00 = full[0].Real;
            for (int k = 0; k < 25; k++) full[k] /= w00;
            WeightMatrixLayout.Pack(full, packed);
            for (int k = 0; k < 25; k++) cols[k][e] = packed[k];
        }
        for (int a = 0; a < 5; a++) t.AddColumn(EventSchema.Features[a], f[a]);
        for (int k = 0; k < 25; k++) t.AddColumn(WeightMatrixLayout.ColumnNames[k], cols[k]);
        return t;
    }

    public static string Write(EventTable t, string dir, string name = "data.parquet")
    {
        string path = Path.Combine(dir, name);
        EventTableIO.Write(t, path);
        return path;
    }

    public static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);
}

public class FitCommandTests
{
    [Fact]
    public void OracleAsimovFitWritesJsonContract()
    {
        string dir = StatsFixture.TempDir();
        string data = StatsFixture.Write(StatsFixture.Make(1500, 1), dir);
        string json = Path.Combine(dir, "fit.json");
        var (code, output, err) = StatsFixture.Run("fit", "--data", data, "--poi", "V_R", "--asimov", "V_R=0.3", "--minos", "--json", json);
        Assert.True(code == 0, err + output);
        Assert.Contains("V_R", output);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        var vr = root.GetProperty("parameters").GetProperty("V_R");
        Assert.Equal(0.3, vr.GetProperty("value").GetDouble(), 1e-3);
        Assert.True(vr.GetProperty("minos_lo").GetDouble() < 0 && vr.GetProperty("minos_hi").GetDouble() > 0);
        foreach (var key in new[] { "nll_min", "edm", "nfcn", "valid", "seconds" }) Assert.True(root.TryGetProperty(key, out _), key);
    }

    [Fact]
    public void SbiFitWithFixtureModelIsFinite()
    {
        string dir = StatsFixture.TempDir();
        string data = StatsFixture.Write(StatsFixture.Make(300, 2), dir);
        string json = Path.Combine(dir, "fit.json");
        var (code, output, err) = StatsFixture.Run("fit", "--data", data, "--poi", "V_R", "--likelihood", "sbi", "--model", StatsFixture.ModelPath,
            "--theta-map", "theta0=V_R", "--asimov", "V_R=0.2", "--sm-normalise", "--json", json);
        Assert.True(code is 0 or 1, err + output); // the fixture network is not trained on these data: only finiteness matters
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.True(double.IsFinite(doc.RootElement.GetProperty("parameters").GetProperty("V_R").GetProperty("value").GetDouble()));
        Assert.True(double.IsFinite(doc.RootElement.GetProperty("nll_min").GetDouble()));
        Assert.Equal("sbi", doc.RootElement.GetProperty("likelihood").GetString());
        Assert.Contains("mean learned ratio over the SM sample", output);
    }

    [Fact]
    public void SmNormalisedFitAgreesBetweenInterpretedAndGeneratedCode()
    {
        string dir = StatsFixture.TempDir();
        string data = StatsFixture.Write(StatsFixture.Make(600, 2), dir);
        var values = new List<(double Value, double Error)>();
        foreach (var backend in new[] { "interpreted", "codegen-ad" })
        {
            string json = Path.Combine(dir, $"fit-{backend}.json");
            var (code, output, err) = StatsFixture.Run("fit", "--data", data, "--poi", "V_R", "--likelihood", "sbi", "--model", StatsFixture.ModelPath,
                "--theta-map", "theta0=V_R", "--asimov", "V_R=0.2", "--sm-normalise", "--backend", backend, "--json", json);
            Assert.True(code is 0 or 1, err + output);
            Assert.Contains("mean learned ratio over the SM sample", output);
            if (backend == "codegen-ad") Assert.Matches(@"(?m)generated kernels: ((compiled|loaded from the disk cache) in [0-9.]+ s|compiled in [0-9.]+ s in the background while the data loaded; the fit waited [0-9.]+ s for them) \(key [0-9a-f]{12}\)(; now in the disk cache, so later fits of a model of this shape load them|$)", output);
            else Assert.DoesNotContain("generated kernels", output);
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            var vr = doc.RootElement.GetProperty("parameters").GetProperty("V_R");
            values.Add((vr.GetProperty("value").GetDouble(), vr.GetProperty("error").GetDouble()));
        }
        Assert.True(Math.Abs(values[0].Value - values[1].Value) <= 0.01 * values[0].Error, $"{values[0]} vs {values[1]}");
    }

    [Fact]
    public void PoiNotInModelIsBadInput()
    {
        string dir = StatsFixture.TempDir();
        string data = StatsFixture.Write(StatsFixture.Make(50, 3), dir);
        var (code, _, err) = StatsFixture.Run("fit", "--data", data, "--poi", "V_R", "--likelihood", "sbi", "--model", StatsFixture.ModelPath);
        Assert.Equal(2, code);
        Assert.Contains("'V_R' is not a theta input", err);
        Assert.Contains("theta0", err);
    }

    [Fact]
    public void MissingModelFeatureColumnsAreBadInput()
    {
        string dir = StatsFixture.TempDir();
        var t = StatsFixture.Make(50, 4);
        t.RemoveColumn("m2_miss");
        t.RemoveColumn("chi");
        string data = StatsFixture.Write(t, dir);
        var (code, _, err) = StatsFixture.Run("fit", "--data", data, "--poi", "V_R", "--likelihood", "sbi", "--model", StatsFixture.ModelPath, "--theta-map", "theta0=V_R");
        Assert.Equal(2, code);
        Assert.Contains("m2_miss", err);
        Assert.Contains("chi", err);
    }

    [Fact]
    public void NanWeightsMissingMatricesAndEmptyDataAreBadInput()
    {
        string dir = StatsFixture.TempDir();
        var t = StatsFixture.Make(40, 5);
        var w = Enumerable.Repeat(1.0, 40).ToArray();
        w[7] = double.NaN;
        t.AddColumn(EventSchema.Weight, w);
        var (code, _, err) = StatsFixture.Run("fit", "--data", StatsFixture.Write(t, dir, "nan.csv"), "--poi", "V_R");
        Assert.Equal(2, code);
        Assert.Contains("weight", err);

        var noW = StatsFixture.Make(40, 6);
        noW.RemoveColumn("w_re_01");
        (code, _, err) = StatsFixture.Run("fit", "--data", StatsFixture.Write(noW, dir, "now.parquet"), "--poi", "V_R");
        Assert.Equal(2, code);
        Assert.Contains("w_re_", err);

        var empty = StatsFixture.Make(5, 7).Select(new int[0]);
        (code, _, err) = StatsFixture.Run("fit", "--data", StatsFixture.Write(empty, dir, "empty.csv"), "--poi", "V_R");
        Assert.Equal(2, code);
        Assert.Contains("empty", err);

        (code, _, err) = StatsFixture.Run("fit", "--data", StatsFixture.Write(StatsFixture.Make(20, 8), dir, "ok.csv"), "--poi", "X_Q");
        Assert.Equal(2, code);
        Assert.Contains("X_Q", err);
    }
}
