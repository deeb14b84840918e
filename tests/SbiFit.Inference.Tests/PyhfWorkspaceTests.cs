using System.Text.Json.Nodes;
using SbiFit.Inference.Templates;

namespace SbiFit.Inference.Tests;

public class PyhfWorkspaceTests
{
    private static (TemplateSet T, double[] Data) Make()
    {
        var (obs, packed, weights) = SyntheticEvents.Make(2000, 41);
        var t = TemplateSet.Build(Binning.Parse("q2:4,m2_miss:-2,-0.5,0,0.5,2,6"), new[] { obs[0], obs[4] }, packed, weights, expectedYield: 800);
        var data = t.Expected(TemplateSet.StandardModel()).Select(x => Math.Round(x)).ToArray();
        return (t, data);
    }

    [Fact]
    public void ExportedWorkspaceValidatesAndHoldsTheTemplates()
    {
        var (t, data) = Make();
        var dir = Path.Combine(Path.GetTempPath(), "sbifit-pyhf-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(dir, "ws.json");
            PyhfWorkspace.Export(t, data, null, path);
            Assert.Equal(new[] { "ws.json" }, Directory.GetFiles(dir).Select(Path.GetFileName)); // no temp file left
            var json = File.ReadAllText(path);
            var check = PyhfWorkspace.Validate(json);
            Assert.True(check.IsValid, string.Join("\n", check.Errors));

            var root = JsonNode.Parse(json)!;
            var sample = root["channels"]![0]!["samples"]![0]!;
            Assert.Equal("signal", (string)sample["name"]!);
            var nu = t.Expected(TemplateSet.StandardModel());
            Assert.Equal(nu, sample["data"]!.AsArray().Select(x => (double)x!));
            Assert.Equal(data, root["observations"]![0]!["data"]!.AsArray().Select(x => (double)x!));
            var stat = sample["modifiers"]![1]!;
            Assert.Equal("staterror", (string)stat["type"]!);
            Assert.Equal(Math.Sqrt(t.SumW2[0]), (double)stat["data"]![0]!, 1e-9 * nu[0]);
            Assert.Equal("mu", (string)root["measurements"]![0]!["config"]!["poi"]!);
            Assert.Equal("1.0.0", (string)root["version"]!);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void EmbeddedSchemaIsTheFixture()
    {
        var fixtures = Path.Combine(SyntheticEvents.RepoRoot(), "tests", "fixtures", "pyhf-schema-1.0.0");
        var src = Path.Combine(SyntheticEvents.RepoRoot(), "src", "SbiFit.Inference", "Templates", "PyhfSchema");
        foreach (var name in new[] { "workspace.json", "defs.json" })
            Assert.Equal(File.ReadAllText(Path.Combine(fixtures, name)), File.ReadAllText(Path.Combine(src, name)));
    }

    public static TheoryData<string> Breakages() => new()
    {
        "drop-version", "wrong-version", "bad-modifier-type", "empty-data", "string-in-data", "extra-property", "missing-poi",
        "normfactor-with-data",
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public void BrokenWorkspacesFail(string breakage)
    {
        var (t, data) = Make();
        var root = JsonNode.Parse(PyhfWorkspace.ToJson(t, data))!.AsObject();
        var sample = root["channels"]![0]!["samples"]![0]!.AsObject();
        switch (breakage)
        {
            case "drop-version": root.Remove("version"); break;
            case "wrong-version": root["version"] = "1.0.1"; break;
            case "bad-modifier-type": sample["modifiers"]![1]!["type"] = "mcstat"; break;
            case "empty-data": sample["data"] = new JsonArray(); break;
            case "string-in-data": root["observations"]![0]!["data"]![0] = "3"; break;
            case "extra-property": sample["color"] = "red"; break;
            case "missing-poi": root["measurements"]![0]!["config"]!.AsObject().Remove("poi"); break;
            case "normfactor-with-data": sample["modifiers"]![0]!["data"] = new JsonArray(1.0); break;
        }
        var check = PyhfWorkspace.Validate(root.ToJsonString());
        Assert.False(check.IsValid, breakage);
        Assert.NotEmpty(check.Errors);
    }

    [Fact]
    public void NotJsonAndWrongLengthsAreReported()
    {
        Assert.False(PyhfWorkspace.Validate("{ nope").IsValid);
        var (t, data) = Make();
        Assert.Contains("observed counts", Assert.Throws<TemplateException>(() => PyhfWorkspace.ToJson(t, data[..^1])).Message);
    }
}
