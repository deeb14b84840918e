using System.Reflection;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace SbiFit.Learning.Onnx;

/// <summary>
/// Saves a <see cref="TheoryAwareNetwork"/> as ONNX (IR 8, opset 13): inputs <c>x</c> [N, n_x] and <c>theta</c>
/// [N, n_θ] (omitted when n_θ = 0), output <c>logit</c> [N, 1], graph Sub(mean) → Div(std) → Add(MatMul(theta, V))
/// → Gemm → activation → …, the same structure PyTorch exports. SiLU is written as Mul(s, Sigmoid(s)) because
/// opset 13 has no SiLU operator.
/// </summary>
public static class OnnxModelWriter
{
    /// <summary>IR version written (accepted by ONNX Runtime 1.16 and later).</summary>
    public const int IrVersion = 8;
    /// <summary>Default-domain opset written.</summary>
    public const int Opset = 13;

    static readonly string[] Reserved = [OnnxSignature.KeyFeatures, OnnxSignature.KeyThetas, "sbifit_version", "model_kind", "activation", "hidden_sizes"];

    /// <summary>
    /// Writes <paramref name="net"/> to <paramref name="path"/> atomically (temporary file in the same folder, then
    /// rename). Metadata: feature_names, theta_names (comma-separated), sbifit_version, model_kind=theory_aware,
    /// activation (per layer), hidden_sizes, plus <paramref name="extraMetadata"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A name contains a comma, or an extra key collides with a reserved one.</exception>
    public static void Save(TheoryAwareNetwork net, string path, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        var model = Build(net, extraMetadata);
        string full = System.IO.Path.GetFullPath(path);
        string dir = System.IO.Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"cannot write ONNX model '{path}': folder '{dir}' does not exist.");
        string tmp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write))
            {
                model.WriteTo(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    static ModelProto Build(TheoryAwareNetwork net, IReadOnlyDictionary<string, string>? extra)
    {
        foreach (string name in net.FeatureNames.Concat(net.ThetaNames))
            if (name.Contains(',') || name.Trim().Length == 0 || name.Trim() != name)
                throw new ArgumentException($"name '{name}' cannot be stored in comma-separated ONNX metadata (no commas, blanks or outer spaces).");
        int nx = net.FeatureCount, nt = net.ThetaCount;
        var g = new GraphProto { Name = "sbifit_theory_aware" };
        g.Input.Add(Value(OnnxSignature.InputX, nx));
        if (nt > 0) g.Input.Add(Value(OnnxSignature.InputTheta, nt));
        g.Output.Add(Value(OnnxSignature.OutputLogit, 1));

        g.Initializer.Add(Tensor("mean", net.Mean, nx));
        g.Initializer.Add(Tensor("std", net.Std, nx));
        g.Node.Add(Node("Sub", "/standardise/Sub", ["x", "mean"], "centred"));
        g.Node.Add(Node("Div", "/standardise/Div", ["centred", "std"], "z"));
        string h = "z";
        int nin = net.InputWidth;
        if (nin > nx)
        {
            // Latent dimensions: z·[I | 0] pads the standardised features with zeros that only θ·V moves.
            var embed = new float[nx * nin];
            for (int i = 0; i < nx; i++) embed[i * nin + i] = 1;
            g.Initializer.Add(Tensor("latent_embed", embed, nx, nin));
            g.Node.Add(Node("MatMul", "/latent/MatMul", ["z", "latent_embed"], "z_latent"));
            h = "z_latent";
        }
        if (nt > 0)
        {
            g.Initializer.Add(Tensor("V", net.Shift, nt, nin));
            g.Node.Add(Node("MatMul", "/shift/MatMul", ["theta", "V"], "theta_V"));
            g.Node.Add(Node("Add", "/shift/Add", [h, "theta_V"], "shifted"));
            h = "shifted";
        }
        for (int l = 0; l < net.Layers.Count; l++)
        {
            var layer = net.Layers[l];
            bool last = l == net.Layers.Count - 1;
            string prefix = $"layers.{l}", pre = last && layer.Activation == Activation.Identity ? OnnxSignature.OutputLogit : $"{prefix}.linear";
            g.Initializer.Add(Tensor($"{prefix}.weight", layer.Weights, layer.Outputs, layer.Inputs));
            g.Initializer.Add(Tensor($"{prefix}.bias", layer.Bias, layer.Outputs));
            var gemm = Node("Gemm", $"/{prefix}/Gemm", [h, $"{prefix}.weight", $"{prefix}.bias"], pre);
            gemm.Attribute.Add(new AttributeProto { Name = "transB", I = 1, Type = AttributeProto.Types.AttributeType.Int });
            g.Node.Add(gemm);
            h = pre;
            if (layer.Activation == Activation.Identity) continue;
            string post = last ? OnnxSignature.OutputLogit : $"{prefix}.act";
            string name = $"/{prefix}/{layer.Activation}";
            switch (layer.Activation)
            {
                case Activation.ReLU: g.Node.Add(Node("Relu", name, [h], post)); break;
                case Activation.Tanh: g.Node.Add(Node("Tanh", name, [h], post)); break;
                case Activation.Sigmoid: g.Node.Add(Node("Sigmoid", name, [h], post)); break;
                case Activation.LeakyReLU:
                    var leaky = Node("LeakyRelu", name, [h], post);
                    leaky.Attribute.Add(new AttributeProto { Name = "alpha", F = layer.LeakySlope, Type = AttributeProto.Types.AttributeType.Float });
                    g.Node.Add(leaky);
                    break;
                case Activation.SiLU:
                    g.Node.Add(Node("Sigmoid", name + "/Sigmoid", [h], $"{prefix}.gate"));
                    g.Node.Add(Node("Mul", name + "/Mul", [h, $"{prefix}.gate"], post));
                    break;
                default: throw new ArgumentOutOfRangeException(nameof(net), layer.Activation, "activation cannot be exported.");
            }
            h = post;
        }

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "SbiFit",
            ProducerVersion = Version,
            Graph = g,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        var meta = new Dictionary<string, string>
        {
            [OnnxSignature.KeyFeatures] = string.Join(",", net.FeatureNames),
            [OnnxSignature.KeyThetas] = string.Join(",", net.ThetaNames),
            ["sbifit_version"] = Version,
            ["model_kind"] = "theory_aware",
            ["activation"] = string.Join(",", net.Layers.Select(l => l.Activation)),
            ["hidden_sizes"] = string.Join(",", net.Layers.Take(net.Layers.Count - 1).Select(l => l.Outputs)),
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            if (Reserved.Contains(key)) throw new ArgumentException($"metadata key '{key}' is reserved for SbiFit.", nameof(extra));
            meta[key] = value;
        }
        foreach (var (key, value) in meta) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    static string Version =>
        typeof(OnnxModelWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(OnnxModelWriter).Assembly.GetName().Version?.ToString() ?? "unknown";

    static NodeProto Node(string op, string name, string[] inputs, string output)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.Add(output);
        return n;
    }

    static TensorProto Tensor(string name, float[] data, params int[] dims)
    {
        var t = new TensorProto { Name = name, DataType = OnnxProto.ElemFloat };
        foreach (int d in dims) t.Dims.Add(d);
        t.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(data.AsSpan()));
        return t;
    }

    /// <summary>A float32 [N, columns] graph input or output with a symbolic batch dimension.</summary>
    static ValueInfoProto Value(string name, int columns)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = columns });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = OnnxProto.ElemFloat, Shape = shape } },
        };
    }
}
