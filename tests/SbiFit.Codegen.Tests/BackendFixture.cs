using SbiFit.Codegen.Backends;
using SbiFit.Inference;
using SbiFit.Inference.Likelihood;
using SbiFit.Learning;
using SbiFit.Learning.Onnx;
using SbiFit.Physics;

namespace SbiFit.Codegen.Tests;

/// <summary>One model + dataset + builders (single and double precision), compiled once per test run.</summary>
public sealed class BackendCase : IDisposable
{
    public BackendCase(TheoryAwareNetwork net, string onnxPath, string[] pois, int events, int seed)
    {
        Network = net;
        Input = SyntheticInput(net, pois, events, seed);
        Single = new SbiLikelihoodBuilder(net, onnxPath) { Precision = Precision.Single, Threads = 2 };
        Double = new SbiLikelihoodBuilder(net, onnxPath) { Precision = Precision.Double, Threads = 2 };
    }

    public TheoryAwareNetwork Network { get; }
    public SbiLikelihoodInput Input { get; }
    public SbiLikelihoodBuilder Single { get; }
    public SbiLikelihoodBuilder Double { get; }

    public static SbiLikelihoodInput SyntheticInput(TheoryAwareNetwork net, string[] pois, int events, int seed) =>
        SyntheticLikelihood.Input(net, pois, events, seed);

    public void Dispose() { Single.Dispose(); Double.Dispose(); }
}

/// <summary>The fixture ONNX model (theta0 → V_R) and a random 3-theta ReLU model, shared by the backend tests.</summary>
public sealed class BackendFixture : IDisposable
{
    readonly string dir = Path.Combine(Path.GetTempPath(), $"sbifit-backends-{Environment.ProcessId}-{Guid.NewGuid():N}");

    public BackendFixture()
    {
        Directory.CreateDirectory(dir);
        string fixturePath = Path.Combine(RepoRoot(), "tests", "fixtures", "onnx", "theory_aware_vr.onnx");
        var fixtureNet = OnnxModelReader.Load(fixturePath).Network ?? throw new InvalidOperationException("fixture is not theory-aware");
        Fixture = new BackendCase(fixtureNet, fixturePath, ["V_R"], 3000, seed: 11);
        var random = TestNetworks.Random(Activation.ReLU, 3, seed: 77, h1: 16, h2: 12);
        string randomPath = Path.Combine(dir, "random3.onnx");
        OnnxModelWriter.Save(random, randomPath);
        Random3 = new BackendCase(random, randomPath, ["V_R", "S_L", "T_L"], 3000, seed: 12);
    }

    public BackendCase Fixture { get; }
    public BackendCase Random3 { get; }

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "SbiFit.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("SbiFit.sln not found above the test binaries.");
    }

    public void Dispose()
    {
        Fixture.Dispose(); Random3.Dispose();
        try { Directory.Delete(dir, true); } catch (IOException) { }
    }
}

[CollectionDefinition("backends")]
public sealed class BackendCollection : ICollectionFixture<BackendFixture>;
