using System.Text.Json;
using SbiFit.Cli.Commands;
using SbiFit.Data;
using SbiFit.Inference.Templates;
using SbiFit.Physics;

namespace SbiFit.Cli.Tests;

/// <summary>Small synthetic Parquet training and data files shared by the CLI tests (written once).</summary>
public sealed class ClassicalFiles : IDisposable
{
    public ClassicalFiles()
    {
        Dir = Path.Combine(Path.GetTempPath(), $"sbifit-classical-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Dir);
        Train = Path.Combine(Dir, "train.parquet");
        Data = Path.Combine(Dir, "data.parquet");
        NoW = Path.Combine(Dir, "now.parquet");
        Empty = Path.Combine(Dir, "empty.parquet");
        EventTableIO.Write(ClassicalBenchmarkWorkload.SyntheticTraining(3000, 5), Train);
        var data = ClassicalBenchmarkWorkload.SyntheticTraining(1500, 6);
        EventTableIO.Write(data, Data);
        var now = data.Slice(0, 200);
        foreach (var name in WeightMatrixLayout.ColumnNames) now.RemoveColumn(name);
        EventTableIO.Write(now, NoW);
        EventTableIO.Write(data.Slice(0, 0), Empty);
    }

    public string Dir { get; }
    public string Train { get; }
    public string Data { get; }
    public string NoW { get; }
    public string Empty { get; }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

public class ClassicalCommandTests(ClassicalFiles files) : IClassFixture<ClassicalFiles>
{
    private const string Bins = "q2:4,cos_theta_l:4,chi:3";

    private static (int Code, string Out, string Err) Run(params string[] args) => Cli.Run(args);

    [Fact]
    public void AsimovFitWritesJsonAndValidPyhfWorkspace()
    {
        var json = Path.Combine(files.Dir, "fit.json");
        var ws = Path.Combine(files.Dir, "ws.json");
        var (code, stdout, stderr) = Run("classical", "--train", files.Train, "--data", files.Data, "--poi", "V_R", "--poi", "S_L",
            "--asimov", "V_R=0.3", "--bins", Bins, "--mc-stat", "--minos", "--json", json, "--export-pyhf", ws);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("V_R", stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal("classical", root.GetProperty("likelihood").GetString());
        Assert.Equal(48, root.GetProperty("bins").GetInt32());
        foreach (var key in new[] { "nll_min", "edm", "nfcn", "valid", "seconds" }) Assert.True(root.TryGetProperty(key, out _), key);
        foreach (var name in new[] { "V_R", "S_L" })
        {
            var p = root.GetProperty("parameters").GetProperty(name);
            foreach (var key in new[] { "value", "error", "minos_lo", "minos_hi" }) Assert.True(p.TryGetProperty(key, out _), $"{name}.{key}");
            Assert.True(p.GetProperty("error").GetDouble() > 0);
        }
        Assert.True(PyhfWorkspace.Validate(File.ReadAllText(ws)).IsValid);
    }

    [Fact]
    public void TemplateAsimovWithoutDataReturnsThePoint()
    {
        var json = Path.Combine(files.Dir, "asimov.json");
        var (code, stdout, stderr) = Run("classical", "--train", files.Train, "--poi", "V_R", "--asimov", "V_R=-0.25",
            "--bins", Bins, "--norm-uncertainty", "0.05", "--json", json);
        Assert.True(code == 0, stderr + stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var parameters = doc.RootElement.GetProperty("parameters");
        Assert.Equal(-0.25, parameters.GetProperty("V_R").GetProperty("value").GetDouble(), 1e-3);
        Assert.True(parameters.TryGetProperty(BinnedPoissonLikelihood.NormName, out _));
    }

    [Fact]
    public void ObservedDataFitSucceeds()
    {
        var (code, stdout, stderr) = Run("classical", "--train", files.Train, "--data", files.Data, "--poi", "V_R,S_L", "--bins", Bins);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("S_L", stdout);
    }

    [Theory]
    [InlineData("w_", "--data", "NOW", "--asimov", "V_R=0.3")]
    [InlineData("'pt'", "--data", "DATA", "--bins", "pt:5")]
    [InlineData("'q2:x'", "--data", "DATA", "--bins", "q2:x")]
    [InlineData("X_Y", "--data", "DATA", "--poi", "X_Y")]
    [InlineData("empty", "--data", "EMPTY")]
    [InlineData("--data FILE", "--bins", "q2:4")]
    [InlineData("NAME=VALUE", "--asimov", "V_R")]
    [InlineData("missing.parquet", "--data", "MISSING")]
    public void BadInputExitsWithCode2(string expected, params string[] extra)
    {
        var args = new List<string> { "classical", "--train", files.Train };
        if (!extra.Contains("--poi")) args.AddRange(new[] { "--poi", "V_R" });
        args.AddRange(extra.Select(a => a switch
        {
            "NOW" => files.NoW,
            "DATA" => files.Data,
            "EMPTY" => files.Empty,
            "MISSING" => Path.Combine(files.Dir, "missing.parquet"),
            _ => a,
        }));
        var (code, _, stderr) = Run(args.ToArray());
        Assert.Equal(SbiFitApp.ExitBadInput, code);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public void TrainingWithoutWeightMatricesExitsWithCode2()
    {
        var (code, _, stderr) = Run("classical", "--train", files.NoW, "--poi", "V_R", "--asimov", "V_R=0.1");
        Assert.Equal(SbiFitApp.ExitBadInput, code);
        Assert.Contains(WeightMatrixLayout.ColumnNames[0], stderr);
    }

    [Fact]
    public void BenchClassicalPrintsTheTable()
    {
        var (code, stdout, stderr) = Run("bench", "classical", "--events", "5000", "--repeats", "1");
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("templates: build 2500 bins", stdout);
        Assert.Contains("BB-lite on", stdout);
    }
}
