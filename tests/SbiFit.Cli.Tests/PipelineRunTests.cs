using System.Buffers.Binary;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SbiFit.Cli;
using SbiFit.Cli.Pipeline;

namespace SbiFit.Cli.Tests;

public class PipelineRunTests
{
    private static PipelineConfig Tiny(string outDir) => new()
    {
        Out = outDir,
        Events = new EventCounts { Train = 3000, Test = 2000 },
        Network = new NetworkSection { Hidden = new[] { 16, 16 } },
        Training = new TrainingSection { Epochs = 4, BatchSize = 1024, LearningRate = 5e-3 },
        Fit = new FitSection { ThetaGen = new[] { new[] { 0.0 }, new[] { 0.4 } }, ScanPoints = 9 },
        // A few hundred accepted training events cannot fill 2500 template bins: coarse binning at this size.
        Classical = new ClassicalSection { Bins = "q2:4,cos_theta_l:4,chi:3" },
    };

    private static (JsonObject Results, string Log) Run(PipelineConfig c, bool force = false)
    {
        var stdout = new StringWriter();
        var results = PipelineRun.Execute(c, new CliConsole(stdout, new StringWriter()), force);
        return (results, stdout.ToString());
    }

    private static Dictionary<string, string> Status(JsonObject r) =>
        r["steps"]!.AsArray().ToDictionary(s => (string)s!["name"]!, s => (string)s!["status"]!);

    [Fact]
    public void TinyPipelineRunsEndToEndResumesAndRerunsOnlyAffectedSteps()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sbifit-pipe-" + Guid.NewGuid().ToString("N"));
        try
        {
            var config = Tiny(dir);
            var (first, _) = Run(config);

            var onDisk = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, PipelineRun.ResultsFile)))!.AsObject();
            foreach (var key in new[] { "config", "steps", "unavailable", "samples", "fits", "comparison", "sigma_ratios", "timings", "versions", "seeds" })
                Assert.True(onDisk.ContainsKey(key), $"results.json lacks '{key}'");
            Assert.All(new[] { "generate_train", "generate_test", "train", "diagnose", "asimov_oracle", "asimov_classical", "asimov_sbi", "backend_timing", "comparison", "report" },
                s => Assert.Equal("ran", Status(first)[s]));
            Assert.Equal("off", Status(first)["toys"]);
            Assert.True(File.Exists(Path.Combine(dir, PipelineDefinition.ModelFile)));
            var backends = first["timings"]!["backends"]!["rows"]!.AsArray();
            Assert.Equal(new[] { "runtime", "interpreted", "codegen", "codegen-ad" }, backends.Select(r => (string)r!["backend"]!).ToArray());
            Assert.All(backends, r => Assert.True((double)r!["value_seconds"]! > 0));

            // The oracle (same sample) recovers theta_gen exactly; the classical fit (templates from the training sample)
            // and the SBI fit (a 4-epoch network) within a few HESSE errors. None is more precise than the oracle.
            foreach (var lik in new[] { "oracle", "classical", "sbi" })
            {
                var points = onDisk["fits"]![lik]!["points"]!.AsArray();
                Assert.Equal(2, points.Count);
                for (int i = 0; i < 2; i++)
                {
                    double gen = (double)points[i]!["theta_gen"]![0]!, min = (double)points[i]!["theta_min"]![0]!;
                    double sigma = (double)points[i]!["hesse_error"]![0]!;
                    Assert.True(sigma > 0 && double.IsFinite(sigma), $"{lik}: HESSE error {sigma}");
                    Assert.True(Math.Abs(min - gen) <= (lik == "oracle" ? 1e-3 : 4 * sigma), $"{lik}: theta_min {min} for theta_gen {gen}, sigma {sigma}");
                }
            }
            var ratios = onDisk["sigma_ratios"]!.AsArray();
            Assert.Contains(ratios, r => (string)r!["likelihood"]! == "sbi" && r["sigma_ratio_to_classical"] is not null);
            foreach (var r in ratios)
                Assert.InRange((double)r!["sigma_ratio_to_oracle"]!, 0.9, 5.0);

            AssertEmbeddedImagesDecode(File.ReadAllText(Path.Combine(dir, PipelineRun.ReportFile)));
            CompareCommandReproducesThePipelineSeries(dir, onDisk);

            // Second run: every cached step skipped.
            var (second, log) = Run(config);
            Assert.All(new[] { "generate_train", "generate_test", "train", "diagnose", "asimov_oracle", "asimov_classical", "asimov_sbi", "comparison" },
                s => Assert.Equal("skipped", Status(second)[s]));
            Assert.Contains("up to date, skipped", log);

            // Changed classical setting and toys on: only the classical series, the toys and what reads them run again.
            var changed = config with { Classical = new ClassicalSection { Bins = "q2:6,cos_theta_l:6" }, Fit = config.Fit with { Toys = 3 } };
            var (thirdResults, _) = Run(changed);
            var third = Status(thirdResults);
            Assert.Equal("ran", third["toys"]);
            Assert.Equal(new[] { "oracle", "sbi" }, thirdResults["toys"]!.AsArray().Select(t => (string)t!["likelihood"]!).ToArray());
            Assert.All(thirdResults["toys"]!.AsArray(), t => Assert.Equal(3, (int)t!["summary"]!["toys"]!));
            Assert.Equal("skipped", third["generate_train"]);
            Assert.Equal("skipped", third["generate_test"]);
            Assert.Equal("skipped", third["asimov_oracle"]);
            Assert.Equal("skipped", third["train"]);
            Assert.Equal("skipped", third["asimov_sbi"]);
            Assert.Equal("ran", third["asimov_classical"]);
            Assert.Equal("ran", third["comparison"]);

            // --force redoes everything.
            var forced = Status(Run(changed, force: true).Results);
            Assert.All(new[] { "generate_train", "generate_test", "asimov_oracle", "asimov_classical", "comparison" },
                s => Assert.Equal("ran", forced[s]));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void DeletedOutputIsRegeneratedAndIdenticalForTheSameSeed()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sbifit-pipe-" + Guid.NewGuid().ToString("N"));
        try
        {
            var config = Tiny(dir) with { Report = new ReportSection { Enabled = false }, Fit = new FitSection { ThetaGen = new[] { new[] { 0.2 } }, ScanPoints = 5, Minos = false } };
            Run(config);
            string test = Path.Combine(dir, PipelineDefinition.TestFile);
            string before = PipelineRunner.Fingerprint(test);
            File.Delete(test);
            var status = Status(Run(config).Results);
            Assert.Equal("ran", status["generate_test"]);
            Assert.Equal("skipped", status["generate_train"]);
            Assert.Equal(before, PipelineRunner.Fingerprint(test));
            Assert.Equal("skipped", status["asimov_oracle"]); // same bytes: downstream stays valid
            Assert.False(File.Exists(Path.Combine(dir, PipelineRun.ReportFile)));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    /// <summary>
    /// <c>sbifit compare</c> on the pipeline's files (same step functions) gives the pipeline's Asimov results, one PNG
    /// per theta_gen, CSV + JSON with the σ ratios, and prints them.
    /// </summary>
    private static void CompareCommandReproducesThePipelineSeries(string runDir, JsonObject pipelineResults)
    {
        string outDir = Path.Combine(runDir, "compare");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int rc = SbiFitApp.Run(new[]
        {
            "compare", "--train", Path.Combine(runDir, PipelineDefinition.TrainFile), "--test", Path.Combine(runDir, PipelineDefinition.TestFile),
            "--model", Path.Combine(runDir, PipelineDefinition.ModelFile), "--theta-gen", "0,0.4", "--poi", "V_R",
            "--bins", "q2:4,cos_theta_l:4,chi:3", "--scan-points", "9", "--out", outDir,
        }, stdout, stderr);
        Assert.True(rc == 0, stderr.ToString());
        Assert.Contains("sigma_SBI/sigma_classical", stdout.ToString());
        Assert.True(File.Exists(Path.Combine(outDir, "comparison.csv")));
        Assert.True(File.Exists(Path.Combine(outDir, "nll_V_R_0.png")) && File.Exists(Path.Combine(outDir, "nll_V_R_0.4.png")));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "comparison.json")))!;
        Assert.Equal(new[] { "sbi", "classical", "oracle" }, json["fits"]!.AsArray().Select(f => (string)f!["likelihood"]!).ToArray());
        foreach (var f in json["fits"]!.AsArray())
        {
            string lik = (string)f!["likelihood"]!;
            for (int i = 0; i < 2; i++)
                Assert.Equal((double)pipelineResults["fits"]![lik]!["points"]![i]!["theta_min"]![0]!, (double)f["points"]![i]!["theta_min"]![0]!, 9);
        }
        Assert.Equal(4, json["sigma_ratios"]!.AsArray().Count); // sbi and classical at two points
    }

    private static void AssertEmbeddedImagesDecode(string html)
    {
        var images = Regex.Matches(html, "data:image/png;base64,([A-Za-z0-9+/=]+)");
        Assert.True(images.Count >= 20, $"expected feature, loss, diagnostics and NLL plots, found {images.Count} images");
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        foreach (Match m in images)
        {
            byte[] png = Convert.FromBase64String(m.Groups[1].Value);
            Assert.True(png.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), "bad PNG signature");
            Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
            Assert.True(BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)) > 0 && BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)) > 0);
        }
    }
}
