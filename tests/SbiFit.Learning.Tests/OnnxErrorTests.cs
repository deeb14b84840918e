using Onnx;
using SbiFit.Learning.Onnx;

namespace SbiFit.Learning.Tests;

public class OnnxErrorTests
{
    static OnnxModelException LoadFails(string path) => Assert.Throws<OnnxModelException>(() => OnnxModelReader.Load(path));

    static OnnxGraphBuilder SimpleMlp(string xName = "x", string thetaName = "theta")
    {
        var b = new OnnxGraphBuilder().Input(xName, 2).Input(thetaName, 1).Output("logit", 1).Init("W", 1, 2).Init("b", 1);
        var g = b.Node("Gemm", [xName, "W", "b"], "logit");
        g.Attribute.Add(OnnxGraphBuilder.Int("transB", 1));
        return b;
    }

    [Fact]
    public void MissingFile_NamesThePath()
    {
        string path = Path.Combine(OnnxTestData.TempDir(), "nope.onnx");
        var e = LoadFails(path);
        Assert.Contains("nope.onnx", e.Message);
        Assert.Contains("does not exist", e.Message);
        Assert.Throws<OnnxModelException>(() => new OnnxRuntimeLogitModel(path));
    }

    [Fact]
    public void GarbageBytes_AreRejectedCleanly()
    {
        string dir = OnnxTestData.TempDir();
        var rng = new Physics.Rng(11);
        for (int trial = 0; trial < 20; trial++)
        {
            string path = Path.Combine(dir, $"garbage{trial}.onnx");
            var bytes = new byte[1 + rng.NextInt(4000)];
            for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)rng.NextInt(256);
            File.WriteAllBytes(path, bytes);
            var e = LoadFails(path);
            Assert.Contains(path, e.Message);
        }
        string text = Path.Combine(dir, "text.onnx");
        File.WriteAllText(text, "this is not a model\n");
        Assert.Contains("not a valid ONNX model", LoadFails(text).Message);
        Assert.Throws<OnnxModelException>(() => new OnnxRuntimeLogitModel(text));
    }

    [Fact]
    public void TruncatedFiles_AreRejectedCleanly()
    {
        var bytes = File.ReadAllBytes(OnnxTestData.Fixture("theory_aware_vr.onnx"));
        string dir = OnnxTestData.TempDir();
        foreach (double fraction in new[] { 0.0, 0.001, 0.1, 0.5, 0.9, 0.99, 0.9999 })
        {
            string path = Path.Combine(dir, $"cut{fraction}.onnx");
            File.WriteAllBytes(path, bytes.AsSpan(0, (int)(fraction * bytes.Length)).ToArray());
            var e = LoadFails(path);
            Assert.Contains(path, e.Message);
        }
    }

    [Theory]
    [InlineData("Softmax")]
    [InlineData("Conv")]
    public void UnsupportedOperator_IsNamedWithItsNode(string op)
    {
        var b = new OnnxGraphBuilder().Input("x", 2).Input("theta", 1).Output("logit", 1).Init("W", 1, 2);
        b.Node("Gemm", ["x", "W"], "pre").Attribute.Add(OnnxGraphBuilder.Int("transB", 1));
        b.Node(op, ["pre"], "logit", name: "/head/" + op);
        var e = LoadFails(b.Save());
        Assert.Contains($"'{op}'", e.Message);
        Assert.Contains($"/head/{op}", e.Message);
    }

    [Fact]
    public void WrongInputNames_ListTheInputsFound()
    {
        var e = LoadFails(SimpleMlp("features", "theta").Save());
        Assert.Contains("'features'", e.Message);
        Assert.Contains("'x'", e.Message);
        var e2 = LoadFails(SimpleMlp("x", "params").Save());
        Assert.Contains("'params'", e2.Message);
    }

    [Fact]
    public void OldOpset_WrongOutputShape_AndNonFloatInputs_AreExplained()
    {
        var old = SimpleMlp();
        old.Opset = 8;
        Assert.Contains("opset 8", LoadFails(old.Save()).Message);

        var wide = new OnnxGraphBuilder().Input("x", 2).Input("theta", 1).Output("logit", 3).Init("W", 3, 2);
        wide.Node("Gemm", ["x", "W"], "logit").Attribute.Add(OnnxGraphBuilder.Int("transB", 1));
        Assert.Contains("[N, 1]", LoadFails(wide.Save()).Message);

        var dbl = new OnnxGraphBuilder().Input("x", 2, elemType: 11).Input("theta", 1).Output("logit", 1).Init("W", 1, 2);
        dbl.Node("Gemm", ["x", "W"], "logit").Attribute.Add(OnnxGraphBuilder.Int("transB", 1));
        Assert.Contains("DOUBLE", LoadFails(dbl.Save()).Message);

        var intInit = new OnnxGraphBuilder().Input("x", 2).Input("theta", 1).Output("logit", 1);
        intInit.Graph.Initializer.Add(new TensorProto { Name = "W", DataType = 7, Dims = { 1, 2 }, Int64Data = { 1, 2 } });
        intInit.Node("Gemm", ["x", "W"], "logit").Attribute.Add(OnnxGraphBuilder.Int("transB", 1));
        var e = LoadFails(intInit.Save());
        Assert.Contains("INT64", e.Message);
        Assert.Contains("Gemm", e.Message);
    }

    [Fact]
    public void NodeWithMissingInputsOrUndefinedValues_IsExplained()
    {
        var b = new OnnxGraphBuilder().Input("x", 2).Input("theta", 1).Output("logit", 1);
        b.Node("Sub", ["x"], "logit", name: "/lonely");
        var e = LoadFails(b.Save());
        Assert.Contains("/lonely", e.Message);
        Assert.Contains("needs at least 2", e.Message);

        var c = new OnnxGraphBuilder().Input("x", 2).Input("theta", 1).Output("logit", 1);
        c.Node("Add", ["x", "ghost"], "logit");
        Assert.Contains("'ghost'", LoadFails(c.Save()).Message);
    }

    [Fact]
    public void RuntimeShapeMismatch_GivesModelException()
    {
        // Declares [n, 1] but the weights produce two columns.
        var b = new OnnxGraphBuilder().Input("x", 2).Input("theta", 1).Output("logit", 0).Init("W", 2, 2);
        b.Node("Gemm", ["x", "W"], "logit").Attribute.Add(OnnxGraphBuilder.Int("transB", 1));
        var model = OnnxModelReader.Load(b.Save());
        var e = Assert.Throws<OnnxModelException>(() => OnnxTestData.Evaluate(model, new float[8], new float[4], 4));
        Assert.Contains("[4,2]", e.Message);
    }
}
