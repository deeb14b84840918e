using SbiFit.Cli;
using SbiFit.Cli.Pipeline;

namespace SbiFit.Cli.Tests;

public class PipelineConfigTests
{
    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SbiFit.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SbiFit.sln not found");
    }

    private static string Json(PipelineConfig c) => PipelineConfigLoader.ToJson(c);

    [Fact]
    public void ExampleYamlAndJsonLoadToEqualConfigs()
    {
        var yaml = PipelineConfigLoader.Load(Path.Combine(RepoRoot(), "examples", "demo.yaml"));
        var json = PipelineConfigLoader.Load(Path.Combine(RepoRoot(), "examples", "demo.json"));
        Assert.Equal(Json(yaml), Json(json));
        Assert.Equal(Json(new PipelineConfig()), Json(yaml)); // the examples document the demo defaults
    }

    [Fact]
    public void YamlScalarsMapToProperTypes()
    {
        var c = PipelineConfigLoader.Parse("""
            seed: 9
            out: "123"
            fit:
              theta_gen: [[0.1], [-0.2]]
              minos: false
            classical:
              norm_uncertainty: .inf
            generator:
              detector: { muon_p_min: 2.5 }
            """, yaml: true);
        Assert.Equal(9UL, c.Seed);
        Assert.Equal("123", c.Out);
        Assert.False(c.Fit.Minos);
        Assert.Equal(new[] { -0.2 }, c.Fit.ThetaGen[1]);
        Assert.Equal(double.PositiveInfinity, c.Classical.NormUncertainty);
        Assert.Equal(2.5, c.Generator.Detector.MuonPMin);
    }

    [Theory]
    [InlineData("training:\n  epochz: 3\n", "training.epochz")]
    [InlineData("generator:\n  detector:\n    muon_p_mn: 3\n", "generator.detector.muon_p_mn")]
    [InlineData("wilson:\n  parameters:\n    - { name: V_R, lo: -1, hi: 1, step: 2 }\n", "wilson.parameters[0].step")]
    [InlineData("training:\n  epochs: many\n", "training.epochs")]
    [InlineData("fit:\n  minos: 3\n", "fit.minos")]
    [InlineData("events:\n  train: 1.5\n", "events.train")]
    [InlineData("training:\n  epochs: 0\n", "training.epochs")]
    [InlineData("events:\n  test: -5\n", "events.test")]
    [InlineData("wilson:\n  parameters:\n    - { name: V_R, lo: 1, hi: 1 }\nfit:\n  theta_gen: [1]\n", "wilson.parameters[0].lo")]
    [InlineData("fit:\n  backend: gpu\n", "fit.backend")]
    [InlineData("network:\n  activation: gelu\n", "network.activation")]
    [InlineData("network:\n  latent_inputs: -1\n", "network.latent_inputs")]
    [InlineData("fit:\n  theta_gen: [0, 2]\n", "fit.theta_gen[1]")]
    [InlineData("training:\n  validation_fraction: 1\n", "training.validation_fraction")]
    [InlineData("training:\n  polish: -5\n", "training.polish")]
    [InlineData("generator:\n  lepton: quark\n", "generator.lepton")]
    [InlineData("classical:\n  bins: \"foo:3\"\n", "classical.bins")]
    [InlineData("generator:\n  detector:\n    b_eta_min: 6\n", "generator.detector.b_eta_min")]
    [InlineData("wilson:\n  parameters:\n    - { name: X_Y, lo: -1, hi: 1 }\n", "wilson.parameters")]
    public void BadYamlIsRejectedNamingTheKey(string yaml, string key)
    {
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse(yaml, yaml: true));
        Assert.Equal(key, e.KeyPath);
        Assert.Contains(key, e.Message);
    }

    [Theory]
    [InlineData("""{"training": {"epochs": "x"}}""", "training.epochs")]
    [InlineData("""{"report": {"enabled": true, "pdf": true}}""", "report.pdf")]
    [InlineData("""{"network": {"hidden": [100, 0]}}""", "network.hidden[1]")]
    public void BadJsonIsRejectedNamingTheKey(string json, string key)
    {
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfigLoader.Parse(json, yaml: false));
        Assert.Equal(key, e.KeyPath);
    }

    [Fact]
    public void RunCommandRejectsBadConfigBeforeWritingAnything()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sbifit-badcfg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string outDir = Path.Combine(dir, "run");
            string cfg = Path.Combine(dir, "bad.yaml");
            File.WriteAllText(cfg, $"out: {outDir}\nevents:\n  train: 1000\ntraining:\n  epochs: -1\n");
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int rc = SbiFitApp.Run(new[] { "run", cfg }, stdout, stderr);
            Assert.Equal(SbiFitApp.ExitBadInput, rc);
            Assert.Contains("training.epochs", stderr.ToString());
            Assert.Contains("bad.yaml", stderr.ToString());
            Assert.False(Directory.Exists(outDir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
