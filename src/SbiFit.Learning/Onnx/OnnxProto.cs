using System.Runtime.InteropServices;
using Onnx;

namespace SbiFit.Learning.Onnx;

/// <summary>Reading ONNX protobuf messages into SbiFit's types, turning every failure into an <see cref="OnnxModelException"/>.</summary>
internal static class OnnxProto
{
    public const int ElemFloat = 1, ElemDouble = 11;

    /// <summary>Parses <paramref name="path"/> as an ONNX model and checks the parts every reader relies on.</summary>
    public static ModelProto ParseModel(string path)
    {
        if (!File.Exists(path)) throw new OnnxModelException($"ONNX model file '{path}' does not exist.");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxModelException($"ONNX model file '{path}' cannot be read: {e.Message}", e);
        }
        if (bytes.Length == 0) throw new OnnxModelException($"ONNX model file '{path}' is empty.");
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(bytes); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new OnnxModelException($"'{path}' is not a valid ONNX model (the protobuf message is malformed or truncated: {e.Message}).", e);
        }
        if (model.Graph is null || model.Graph.Node.Count == 0 || model.Graph.Output.Count == 0)
            throw new OnnxModelException($"'{path}' is not a valid ONNX model: it has no graph, no nodes or no outputs (garbage or truncated file?).");
        if (model.IrVersion <= 0)
            throw new OnnxModelException($"'{path}' is not a valid ONNX model: ir_version is {model.IrVersion}.");
        return model;
    }

    /// <summary>The default-domain (ai.onnx) opset version, required to be at least 9.</summary>
    public static int DefaultOpset(ModelProto model, string source)
    {
        var entry = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (entry is null) throw new OnnxModelException($"'{source}' declares no opset for the default ONNX domain.");
        if (entry.Version < 9)
            throw new OnnxModelException($"'{source}' uses ONNX opset {entry.Version}; SbiFit supports opset 9 and later (re-export with a newer opset).");
        return (int)entry.Version;
    }

    /// <summary>Converts a float or double tensor to float32; other element types are reported as unsupported.</summary>
    public static OnnxTensor ReadTensor(TensorProto t, string what)
    {
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
            throw new OnnxModelException($"{what} stores its data in an external file; only embedded data is supported.");
        var shape = new int[t.Dims.Count];
        long n = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (t.Dims[i] < 0 || t.Dims[i] > int.MaxValue) throw new OnnxModelException($"{what} has invalid dimension {t.Dims[i]}.");
            shape[i] = (int)t.Dims[i];
            n *= shape[i];
        }
        if (n > int.MaxValue) throw new OnnxModelException($"{what} is too large ({n} elements).");
        var data = new float[n];
        switch (t.DataType)
        {
            case ElemFloat:
                if (!t.RawData.IsEmpty)
                {
                    CheckLength(t.RawData.Length, n * 4, what);
                    MemoryMarshal.Cast<byte, float>(t.RawData.Span).CopyTo(data);
                }
                else { CheckLength(t.FloatData.Count, n, what); t.FloatData.CopyTo(data, 0); }
                break;
            case ElemDouble:
                if (!t.RawData.IsEmpty)
                {
                    CheckLength(t.RawData.Length, n * 8, what);
                    var d = MemoryMarshal.Cast<byte, double>(t.RawData.Span);
                    for (int i = 0; i < n; i++) data[i] = (float)d[i];
                }
                else { CheckLength(t.DoubleData.Count, n, what); for (int i = 0; i < n; i++) data[i] = (float)t.DoubleData[i]; }
                break;
            default:
                throw new OnnxModelException($"{what} has data type {ElemTypeName(t.DataType)}; only float32 (and float64 constants) are supported.");
        }
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw data is little-endian.");
        return new OnnxTensor(shape, data);
    }

    static void CheckLength(long actual, long expected, string what)
    {
        if (actual != expected)
            throw new OnnxModelException($"{what} holds {actual} data entries where its shape needs {expected} (truncated or corrupt file?).");
    }

    /// <summary>The ONNX name of a TensorProto element type.</summary>
    public static string ElemTypeName(int type) =>
        Enum.IsDefined(typeof(TensorProto.Types.DataType), type)
            ? ((TensorProto.Types.DataType)type).ToString().ToUpperInvariant()
            : $"#{type}";

    /// <summary>Element type and shape (null entries = symbolic dims) of a graph input or output.</summary>
    public static (int ElemType, int?[]? Shape) Describe(ValueInfoProto v)
    {
        var tt = v.Type?.TensorType;
        if (tt is null) return (0, null);
        if (tt.Shape is null) return (tt.ElemType, null);
        var dims = tt.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue
            ? (int?)(int)d.DimValue : null).ToArray();
        return (tt.ElemType, dims);
    }

    public static AttributeProto? Attr(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static long AttrInt(NodeProto node, string name, long fallback) => Attr(node, name) is { } a ? a.I : fallback;

    public static float AttrFloat(NodeProto node, string name, float fallback) => Attr(node, name) is { } a ? a.F : fallback;

    /// <summary>Human-readable node identity for messages.</summary>
    public static string Describe(NodeProto node) =>
        string.IsNullOrEmpty(node.Name) ? $"{node.OpType} node with output '{node.Output.FirstOrDefault()}'" : $"{node.OpType} node '{node.Name}'";
}
