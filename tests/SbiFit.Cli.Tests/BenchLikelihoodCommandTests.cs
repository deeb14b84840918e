using System.Text.Json;
using SbiFit.Cli;

namespace SbiFit.Cli.Tests;

public sealed class BenchLikelihoodCommandTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("sbifit-benchlik-").FullName;

    static string Fixture()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "SbiFit.sln"))) return Path.Combine(d.FullName, "tests", "fixtures", "onnx", "theory_aware_vr.onnx");
        throw new DirectoryNotFoundException("SbiFit.sln not found");
    }

    [Fact]
    public void QuickBenchWritesTheJsonContract()
    {
        string json = Path.Combine(dir, "out.json");
        var (o, e) = (new StringWriter(), new StringWriter());
        int rc = SbiFitApp.Run(["bench", "likelihood", "--events", "2000", "--theta", "1", "--quick", "--json", json, "--threads", "1"], o, e);
        Assert.True(rc == 0, e.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.False(string.IsNullOrEmpty(doc.RootElement.GetProperty("machine").GetString()));
        Assert.True(doc.RootElement.GetProperty("peak_gflops").GetDouble() > 0);
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(["runtime", "interpreted", "codegen", "codegen-ad"], results.Select(r => r.GetProperty("backend").GetString()));
        foreach (var r in results)
        {
            Assert.Equal(2000, r.GetProperty("events").GetInt32());
            Assert.Equal(1, r.GetProperty("n_theta").GetInt32());
            foreach (var key in new[] { "value_s", "value_grad_s", "fit_s" }) Assert.True(r.GetProperty(key).GetDouble() > 0, key);
            Assert.True(r.GetProperty("fit_calls").GetInt32() > 0);
            Assert.True(r.GetProperty("compile_s").GetDouble() >= 0);
        }
        Assert.True(results[2].GetProperty("compile_s").GetDouble() > 0);
        // The generated backends also time a fresh build from the disk cache, which skips Roslyn; the others have none.
        foreach (var r in results[2..])
            Assert.InRange(r.GetProperty("cache_load_s").GetDouble(), 1e-6, r.GetProperty("compile_s").GetDouble());
        foreach (var r in results[..2]) Assert.Equal(0, r.GetProperty("cache_load_s").GetDouble());
        Assert.Equal("asimov", doc.RootElement.GetProperty("problem").GetString());
        Assert.Contains("problem: asimov", o.ToString());
    }

    [Fact]
    public void UnweightedProblemStaysReachable()
    {
        string json = Path.Combine(dir, "unweighted.json");
        var (o, e) = (new StringWriter(), new StringWriter());
        int rc = SbiFitApp.Run(["bench", "likelihood", "--events", "2000", "--theta", "1", "--backends", "interpreted", "--quick",
            "--problem", "unweighted", "--json", json, "--threads", "1"], o, e);
        Assert.True(rc == 0, e.ToString());
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("unweighted", doc.RootElement.GetProperty("problem").GetString());
        var fit = doc.RootElement.GetProperty("results")[0].GetProperty("fit_values");
        Assert.Equal(1, fit.GetArrayLength());
        Assert.Equal(2, SbiFitApp.Run(["bench", "likelihood", "--events", "2000", "--problem", "toy"], new StringWriter(), e));
        Assert.Contains("--problem: 'toy'", e.ToString());
    }

    [Fact]
    public void PlotFromAnEarlierJsonIsAPng()
    {
        string json = Path.Combine(dir, "earlier.json"), png = Path.Combine(dir, "bench.png");
        File.WriteAllText(json, """
            {"machine": "test box, 2 cores", "peak_gflops": 100, "roslyn_warmup_s": 2.0, "results": [
              {"backend": "interpreted", "events": 10000, "n_theta": 1, "value_s": 0.003, "value_grad_s": 0.01, "fit_s": 0.2, "fit_calls": 20, "compile_s": 0},
              {"backend": "interpreted", "events": 100000, "n_theta": 1, "value_s": 0.03, "value_grad_s": 0.1, "fit_s": 2, "fit_calls": 22, "compile_s": 0},
              {"backend": "codegen-ad", "events": 10000, "n_theta": 1, "value_s": 0.002, "value_grad_s": 0.004, "fit_s": 0.1, "fit_calls": 10, "compile_s": 0.3},
              {"backend": "codegen-ad", "events": 100000, "n_theta": 1, "value_s": 0.02, "value_grad_s": 0.04, "fit_s": 1, "fit_calls": 11, "compile_s": 0.3}]}
            """);
        var (o, e) = (new StringWriter(), new StringWriter());
        int rc = SbiFitApp.Run(["bench", "likelihood", "--from-json", json, "--plot", png], o, e);
        Assert.True(rc == 0, e.ToString());
        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.AsSpan().StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "not a PNG");
        using var bmp = SkiaSharp.SKBitmap.Decode(bytes);
        Assert.Equal(Reporting.LikelihoodBenchmarkPlot.Width, bmp.Width);
        Assert.Equal(Reporting.LikelihoodBenchmarkPlot.Height(1), bmp.Height);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public void FromJsonRejectsAFileWithoutResults()
    {
        string json = Path.Combine(dir, "bad.json");
        File.WriteAllText(json, """{"machine": "m"}""");
        var (o, e) = (new StringWriter(), new StringWriter());
        Assert.Equal(2, SbiFitApp.Run(["bench", "likelihood", "--from-json", json, "--plot", Path.Combine(dir, "x.png")], o, e));
        Assert.Contains("not a 'sbifit bench likelihood --json' file", e.ToString());
    }

    [Fact]
    public void CodegenEmitsReadableSource()
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        int rc = SbiFitApp.Run(["codegen", "--model", Fixture(), "--emit", dir, "--nll"], o, e);
        Assert.True(rc == 0, e.ToString());
        var files = Directory.GetFiles(dir, "*.cs");
        Assert.Equal(2, files.Length);
        Assert.Contains("static readonly", File.ReadAllText(files[0]));
        // The weights sit beside the source (SOFIE's weight file): one constants file per class.
        Assert.Equal(2, Directory.GetFiles(dir, "*.constants.json").Length);
        Assert.Contains("GeneratedNll.constants.json", o.ToString());
        Assert.Matches("network: (compiled|cache hit)", o.ToString());
    }

    [Fact]
    public void CodegenNamesAnEmitFolderItCannotWrite()
    {
        // A regular file where the folder should be: the folder cannot be created.
        string blocker = Path.Combine(dir, "not-a-folder");
        File.WriteAllText(blocker, "keep me");
        var (o, e) = (new StringWriter(), new StringWriter());
        Assert.Equal(2, SbiFitApp.Run(["codegen", "--model", Fixture(), "--emit", Path.Combine(blocker, "out")], o, e));
        Assert.Contains($"--emit '{Path.Combine(blocker, "out")}': cannot write GeneratedNetwork.cs", e.ToString());
        Assert.Equal("keep me", File.ReadAllText(blocker));
    }

    [Fact]
    public void UnknownBackendListsTheValidNames()
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        Assert.Equal(2, SbiFitApp.Run(["bench", "likelihood", "--backends", "onnx"], o, e));
        Assert.Contains("runtime, interpreted, codegen, codegen-ad", e.ToString());
    }

    public void Dispose() { try { Directory.Delete(dir, true); } catch (IOException) { } }
}
