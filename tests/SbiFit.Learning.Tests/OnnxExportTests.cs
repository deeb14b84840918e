using SbiFit.Learning;
using SbiFit.Learning.Onnx;

namespace SbiFit.Learning.Tests;

public class OnnxExportTests
{
    public static TheoryData<int, Activation> Cases => new()
    {
        { 1, Activation.ReLU }, { 3, Activation.ReLU }, { 1, Activation.Tanh }, { 3, Activation.Tanh },
        { 1, Activation.SiLU }, { 3, Activation.SiLU }, { 3, Activation.LeakyReLU }, { 0, Activation.ReLU },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Export_OnnxRuntimeAndInterpreter_MatchReferenceLogit(int nThetas, Activation act)
    {
        var net = OnnxTestData.RandomNetwork(42 + (ulong)nThetas, 5, nThetas, [24, 16], act, leakySlope: 0.05f);
        string path = Path.Combine(OnnxTestData.TempDir(), "model.onnx");
        OnnxModelWriter.Save(net, path);
        const int rows = 301; // not a multiple of the 4-row kernel block nor of the ORT batch
        var (x, theta) = OnnxTestData.RandomInputs(7, rows, net);
        var reference = OnnxTestData.Reference(net, x, theta, rows);

        using (var ort = new OnnxRuntimeLogitModel(path, threads: 1, batchRows: 128))
        {
            Assert.Equal(net.FeatureNames, ort.FeatureNames);
            Assert.Equal(net.ThetaNames, ort.ThetaNames);
            OnnxTestData.AssertClose(reference, OnnxTestData.Evaluate(ort, x, theta, rows), 2e-5);
        }
        var loaded = OnnxModelReader.Load(path);
        Assert.NotNull(loaded.Network);
        OnnxTestData.AssertClose(reference, OnnxTestData.Evaluate(loaded, x, theta, rows), 2e-5);
    }

    [Theory]
    [InlineData(1, Activation.ReLU)]
    [InlineData(3, Activation.Tanh)]
    public void Export_WithLatentInputs_LoadsInOnnxRuntimeAndConvertsBack(int nThetas, Activation act)
    {
        var net = OnnxTestData.RandomNetwork(7 + (ulong)nThetas, 5, nThetas, [16, 8], act, latent: nThetas);
        string path = Path.Combine(OnnxTestData.TempDir(), "latent.onnx");
        OnnxModelWriter.Save(net, path);
        const int rows = 129;
        var (x, theta) = OnnxTestData.RandomInputs(3, rows, net);
        var reference = OnnxTestData.Reference(net, x, theta, rows);
        using (var ort = new OnnxRuntimeLogitModel(path, threads: 1, batchRows: 64))
            OnnxTestData.AssertClose(reference, OnnxTestData.Evaluate(ort, x, theta, rows), 2e-5);
        var loaded = OnnxModelReader.Load(path);
        // The [I | 0] padding is recognised, so the model converts back to a network (fast kernels, code generation).
        var back = Assert.IsType<TheoryAwareNetwork>(loaded.Network);
        Assert.Equal(nThetas, back.LatentCount);
        Assert.Equal(net.Shift, back.Shift);
        Assert.Equal(net.Layers[0].Weights, back.Layers[0].Weights);
        OnnxTestData.AssertClose(reference, OnnxTestData.Evaluate(loaded, x, theta, rows), 2e-5);
    }

    [Fact]
    public void RoundTrip_GivesIdenticalParametersAndMetadata()
    {
        var net = OnnxTestData.RandomNetwork(3, 4, 2, [8, 6], Activation.LeakyReLU, leakySlope: 0.2f);
        string dir = OnnxTestData.TempDir(), path = Path.Combine(dir, "rt.onnx");
        var extra = new Dictionary<string, string> { ["seed"] = "3", ["theta_ranges"] = "wc_0:-1:1;wc_1:-2:2" };
        OnnxModelWriter.Save(net, path, extra);
        OnnxModelWriter.Save(net, path, extra); // overwriting an existing file is fine
        Assert.Equal(["rt.onnx"], Directory.GetFiles(dir).Select(Path.GetFileName));

        var model = OnnxModelReader.Load(path);
        var back = model.Network!;
        Assert.Equal(net.FeatureNames, back.FeatureNames);
        Assert.Equal(net.ThetaNames, back.ThetaNames);
        Assert.Equal(net.Mean, back.Mean);
        Assert.Equal(net.Std, back.Std);
        Assert.Equal(net.Shift, back.Shift);
        Assert.Equal(net.Layers.Count, back.Layers.Count);
        for (int l = 0; l < net.Layers.Count; l++)
        {
            Assert.Equal(net.Layers[l].Weights, back.Layers[l].Weights);
            Assert.Equal(net.Layers[l].Bias, back.Layers[l].Bias);
            Assert.Equal(net.Layers[l].Activation, back.Layers[l].Activation);
            if (net.Layers[l].Activation == Activation.LeakyReLU) Assert.Equal(net.Layers[l].LeakySlope, back.Layers[l].LeakySlope);
        }
        Assert.Equal("feat_0,feat_1,feat_2,feat_3", model.Metadata["feature_names"]);
        Assert.Equal("wc_0,wc_1", model.Metadata["theta_names"]);
        Assert.Equal("theory_aware", model.Metadata["model_kind"]);
        Assert.Equal("LeakyReLU,LeakyReLU,Identity", model.Metadata["activation"]);
        Assert.False(string.IsNullOrEmpty(model.Metadata["sbifit_version"]));
        Assert.Equal("3", model.Metadata["seed"]);
        Assert.Equal("wc_0:-1:1;wc_1:-2:2", model.Metadata["theta_ranges"]);
    }

    [Fact]
    public void Export_RejectsReservedMetadataAndCommaNames()
    {
        var net = OnnxTestData.RandomNetwork(1, 2, 1, [3], Activation.ReLU);
        string path = Path.Combine(OnnxTestData.TempDir(), "m.onnx");
        Assert.Throws<ArgumentException>(() => OnnxModelWriter.Save(net, path, new Dictionary<string, string> { ["model_kind"] = "x" }));
        var bad = new TheoryAwareNetwork(["a,b", "c"], ["t"], net.Mean, net.Std, net.Shift, net.Layers);
        var e = Assert.Throws<ArgumentException>(() => OnnxModelWriter.Save(bad, path));
        Assert.Contains("a,b", e.Message);
        Assert.False(File.Exists(path));
    }
}
