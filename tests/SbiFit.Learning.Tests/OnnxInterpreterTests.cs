using Google.Protobuf;
using Onnx;
using SbiFit.Learning.Onnx;

namespace SbiFit.Learning.Tests;

/// <summary>Small hand-built ONNX graphs (OnnxSharp) for interpreter and error tests.</summary>
internal sealed class OnnxGraphBuilder
{
    readonly GraphProto _g = new() { Name = "test" };
    readonly Physics.Rng _rng = new(99);
    public long Opset { get; set; } = 13;
    public GraphProto Graph => _g;

    public OnnxGraphBuilder Input(string name, int columns, int elemType = 1) { _g.Input.Add(Value(name, elemType, columns)); return this; }
    public OnnxGraphBuilder Output(string name, int columns, int elemType = 1) { _g.Output.Add(Value(name, elemType, columns)); return this; }

    public OnnxGraphBuilder Const(string name, float[] values, params int[] dims)
    {
        var t = new TensorProto { Name = name, DataType = 1 };
        t.Dims.AddRange(dims.Select(d => (long)d));
        t.FloatData.AddRange(values);
        _g.Initializer.Add(t);
        return this;
    }

    public OnnxGraphBuilder Init(string name, params int[] dims)
    {
        var t = new TensorProto { Name = name, DataType = 1 };
        t.Dims.AddRange(dims.Select(d => (long)d));
        int n = dims.Aggregate(1, (a, b) => a * b);
        for (int i = 0; i < n; i++) t.FloatData.Add((float)(0.7 * _rng.NextGaussian()));
        _g.Initializer.Add(t);
        return this;
    }

    public NodeProto Node(string op, string[] inputs, string output, string? name = null)
    {
        var n = new NodeProto { OpType = op, Name = name ?? "/" + op + "_" + _g.Node.Count };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        _g.Node.Add(n);
        return n;
    }

    public static AttributeProto Int(string name, long v) => new() { Name = name, I = v, Type = AttributeProto.Types.AttributeType.Int };
    public static AttributeProto Float(string name, float v) => new() { Name = name, F = v, Type = AttributeProto.Types.AttributeType.Float };

    public string Save()
    {
        var m = new ModelProto { IrVersion = 7, ProducerName = "test", Graph = _g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        string path = Path.Combine(OnnxTestData.TempDir(), "g.onnx");
        File.WriteAllBytes(path, m.ToByteArray());
        return path;
    }

    /// <summary>A [n, columns] tensor value; columns = 0 leaves the shape undeclared.</summary>
    static ValueInfoProto Value(string name, int elemType, int columns)
    {
        if (columns == 0) return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType } } };
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "n" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = columns });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elemType, Shape = shape } } };
    }
}

public class OnnxInterpreterTests
{
    /// <summary>
    /// A graph outside the theory-aware pattern using Concat, MatMul+Add, LeakyRelu, Gemm with transA/transB/alpha/beta,
    /// Constant, Flatten, Identity, Mul/Sub/Div broadcasting and Sigmoid/Tanh; the interpreter must agree with ONNX Runtime.
    /// </summary>
    [Theory]
    [InlineData(9)]
    [InlineData(13)]
    public void GeneralGraph_InterpreterMatchesOnnxRuntime(int opset)
    {
        var b = new OnnxGraphBuilder { Opset = opset }.Input("x", 3).Input("theta", 2).Output("logit", 1)
            .Init("W1", 5, 8).Init("b1", 8).Init("W2t", 8, 6).Init("c2", 1, 6).Init("W3", 1, 6).Init("b3", 1).Init("row", 1, 6).Init("col", 6);
        var cat = b.Node("Concat", ["x", "theta"], "h0"); cat.Attribute.Add(OnnxGraphBuilder.Int("axis", 1));
        b.Node("MatMul", ["h0", "W1"], "h1");
        b.Node("Add", ["h1", "b1"], "h2");
        var leaky = b.Node("LeakyRelu", ["h2"], "h3"); leaky.Attribute.Add(OnnxGraphBuilder.Float("alpha", 0.1f));
        b.Node("Identity", ["h3"], "h3t");
        b.Node("Tanh", ["h3t"], "h3u");
        var gemm = b.Node("Gemm", ["h3u", "W2t", "c2"], "h4");
        gemm.Attribute.Add(OnnxGraphBuilder.Float("alpha", 0.5f)); gemm.Attribute.Add(OnnxGraphBuilder.Float("beta", 2f));
        var k = b.Node("Constant", [], "k");
        k.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor,
            T = new TensorProto { DataType = 1, Dims = { 1 }, FloatData = { 1.5f } } });
        b.Node("Mul", ["h4", "k"], "h5");
        b.Node("Sigmoid", ["h5"], "h6");
        b.Node("Sub", ["h6", "row"], "h7");
        b.Node("Div", ["h7", "col"], "h8");
        var flat = b.Node("Flatten", ["h8"], "h9"); flat.Attribute.Add(OnnxGraphBuilder.Int("axis", 1));
        var last = b.Node("Gemm", ["h9", "W3", "b3"], "logit"); last.Attribute.Add(OnnxGraphBuilder.Int("transB", 1));
        string path = b.Save();

        var model = OnnxModelReader.Load(path);
        Assert.Null(model.Network);
        Assert.NotNull(model.NotConvertedReason);
        Assert.Equal(["x0", "x1", "x2"], model.FeatureNames);
        Assert.Equal(["theta0", "theta1"], model.ThetaNames);
        const int rows = 50;
        var rng = new Physics.Rng(5);
        var x = Enumerable.Range(0, rows * 3).Select(_ => (float)rng.NextGaussian()).ToArray();
        var theta = Enumerable.Range(0, rows * 2).Select(_ => (float)rng.NextGaussian()).ToArray();
        var mine = OnnxTestData.Evaluate(model, x, theta, rows);
        using var ort = new OnnxRuntimeLogitModel(path);
        var reference = OnnxTestData.Evaluate(ort, x, theta, rows);
        OnnxTestData.AssertClose(reference.Select(v => (double)v).ToArray(), mine, 1e-5);
    }

    /// <summary>The theory-aware pattern written with MatMul+Add layers, reversed operand order, SiLU as Mul(Sigmoid(s), s),
    /// an Identity and a Gemm with transB=0 and alpha: still converted, and the network agrees with ONNX Runtime.</summary>
    [Fact]
    public void TheoryAwareVariant_WithMatMulAddLayers_IsConverted()
    {
        var b = new OnnxGraphBuilder().Input("x", 3).Input("theta", 2).Output("logit", 1)
            .Init("mean", 3).Const("std", [0.5f, 2f, 1.5f], 3).Init("V", 2, 3).Init("W1", 3, 5).Init("b1", 5).Init("W2", 5, 1).Init("b2", 1);
        b.Node("Sub", ["x", "mean"], "a");
        b.Node("Div", ["a", "std"], "z");
        b.Node("MatMul", ["theta", "V"], "tv");
        b.Node("Add", ["tv", "z"], "s");
        b.Node("MatMul", ["s", "W1"], "h");
        b.Node("Add", ["b1", "h"], "h1");
        b.Node("Sigmoid", ["h1"], "g");
        b.Node("Mul", ["g", "h1"], "h2");
        b.Node("Identity", ["h2"], "h3");
        var gemm = b.Node("Gemm", ["h3", "W2", "b2"], "logit");
        gemm.Attribute.Add(OnnxGraphBuilder.Float("alpha", 0.5f));
        string path = b.Save();

        var model = OnnxModelReader.Load(path);
        Assert.True(model.Network is not null, model.NotConvertedReason);
        var net = model.Network!;
        Assert.Equal([Activation.SiLU, Activation.Identity], net.Layers.Select(l => l.Activation));
        const int rows = 21;
        var (x, theta) = OnnxTestData.RandomInputs(3, rows, net);
        using var ort = new OnnxRuntimeLogitModel(path);
        var expected = OnnxTestData.Evaluate(ort, x, theta, rows);
        OnnxTestData.AssertClose(expected.Select(v => (double)v).ToArray(), OnnxTestData.Reference(net, x, theta, rows).Select(v => (float)v).ToArray(), 1e-5);
    }

    [Fact]
    public void Interpreter_BroadcastsAndHandlesGemmTransposesAndMatrixVectorProducts()
    {
        var b = new OnnxGraphBuilder().Input("x", 3).Input("theta", 2).Output("logit", 0).Output("gemm", 0).Output("mv", 0).Output("div", 0)
            .Const("col", [10, 20], 2, 1).Const("B", [1, 0, 1, 1], 2, 2).Const("c", [1]).Const("ones", [1, 1, 1], 3).Const("row", [1, 2, 4], 3);
        b.Node("Sub", ["col", "x"], "logit");
        var gemm = b.Node("Gemm", ["x", "B", "c"], "gemm");
        gemm.Attribute.Add(OnnxGraphBuilder.Float("alpha", 2)); gemm.Attribute.Add(OnnxGraphBuilder.Float("beta", 3));
        gemm.Attribute.Add(OnnxGraphBuilder.Int("transA", 1)); gemm.Attribute.Add(OnnxGraphBuilder.Int("transB", 1));
        b.Node("MatMul", ["x", "ones"], "mv");
        b.Node("Div", ["x", "row"], "div");
        var model = OnnxModelReader.Load(b.Save());
        var outputs = model.Interpreter.Run(new Dictionary<string, OnnxTensor>
        {
            ["x"] = new([2, 3], [1, 2, 3, 4, 5, 6]),
            ["theta"] = new([2, 2], [0, 0, 0, 0]),
        });
        Assert.Equal([9f, 8, 7, 16, 15, 14], outputs["logit"].Data);
        // A^T = [[1,4],[2,5],[3,6]], B^T = [[1,1],[0,1]] -> A^T B^T = [[1,5],[2,7],[3,9]]; then 2·that + 3
        Assert.Equal([3, 2], outputs["gemm"].Shape);
        Assert.Equal([5f, 13, 7, 17, 9, 21], outputs["gemm"].Data);
        Assert.Equal([2], outputs["mv"].Shape);
        Assert.Equal([6f, 15], outputs["mv"].Data);
        Assert.Equal([1f, 1, 0.75f, 4, 2.5f, 1.5f], outputs["div"].Data);
        var e = Assert.Throws<OnnxModelException>(() => model.Interpreter.Run(new Dictionary<string, OnnxTensor>
        {
            ["x"] = new([3, 3], new float[9]),
            ["theta"] = new([3, 2], new float[6]),
        }));
        Assert.Contains("Sub", e.Message);
        Assert.Contains("broadcast", e.Message);
    }
}
