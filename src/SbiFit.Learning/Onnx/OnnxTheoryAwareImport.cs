using Onnx;

namespace SbiFit.Learning.Onnx;

/// <summary>
/// Recognises the theory-aware graph x → Sub(mean) → Div(std) → [MatMul([I|0]) latent padding] → Add(MatMul(theta, V)) → [Gemm | MatMul+Add] →
/// activation → … → logit (PyTorch's export and <see cref="OnnxModelWriter"/>'s) and rebuilds the
/// <see cref="TheoryAwareNetwork"/>. Identity and Flatten(axis=1) nodes are skipped; SiLU is Mul(s, Sigmoid(s)).
/// Anything else returns null with a reason, and the model is evaluated by the interpreter instead.
/// </summary>
internal sealed class OnnxTheoryAwareImport
{
    readonly Dictionary<string, List<NodeProto>> _consumers = new();
    readonly Dictionary<string, NodeProto> _producers = new();
    readonly HashSet<NodeProto> _visited = new();
    readonly IReadOnlyDictionary<string, OnnxTensor> _constants;
    readonly int _computeNodes;

    OnnxTheoryAwareImport(GraphProto graph, IReadOnlyDictionary<string, OnnxTensor> constants)
    {
        _constants = constants;
        foreach (var node in graph.Node.Where(n => n.OpType != "Constant"))
        {
            _computeNodes++;
            foreach (var o in node.Output) _producers[o] = node;
            foreach (var i in node.Input.Where(i => i.Length > 0))
            {
                if (!_consumers.TryGetValue(i, out var list)) _consumers[i] = list = new();
                list.Add(node);
            }
        }
    }

    sealed class NotThePattern(string reason) : Exception(reason);

    /// <summary>Converts the graph, or returns null and sets <paramref name="reason"/>.</summary>
    public static TheoryAwareNetwork? TryConvert(GraphProto graph, IReadOnlyDictionary<string, OnnxTensor> constants,
        OnnxSignature sig, out string? reason)
    {
        try
        {
            reason = null;
            return new OnnxTheoryAwareImport(graph, constants).Convert(sig);
        }
        catch (NotThePattern e) { reason = e.Message; }
        catch (ArgumentException e) { reason = "parameters are inconsistent: " + e.Message; }
        return null;
    }

    TheoryAwareNetwork Convert(OnnxSignature sig)
    {
        int nx = sig.FeatureNames.Count, nt = sig.ThetaNames.Count;
        string cur = Skip(OnnxSignature.InputX);
        var mean = new float[nx];
        var std = Enumerable.Repeat(1f, nx).ToArray();
        if (Only(cur) is { OpType: "Sub" } sub && sub.Input[0] == cur && Vector(sub.Input[1], nx) is { } m)
        {
            mean = m; cur = Take(sub);
        }
        if (Only(cur) is { OpType: "Div" } div && div.Input[0] == cur && Vector(div.Input[1], nx) is { } s)
        {
            std = s; cur = Take(div);
        }
        int nin = nx;
        if (Only(cur) is { OpType: "MatMul" } pad && pad.Input[0] == cur && Const(pad.Input[1]) is { Rank: 2 } e
            && e.Shape[0] == nx && e.Shape[1] > nx && IsLatentEmbedding(e))
        {
            nin = e.Shape[1]; cur = Take(pad);
        }
        var shift = Array.Empty<float>();
        if (sig.HasTheta)
        {
            var add = Only(cur) is { OpType: "Add" } a ? a : throw new NotThePattern("the standardised features are not shifted by Add(MatMul(theta, V)).");
            string other = add.Input[0] == cur ? add.Input[1] : add.Input[0];
            var mm = _producers.GetValueOrDefault(other);
            if (mm is not { OpType: "MatMul" } || mm.Input[0] != OnnxSignature.InputTheta || Only(OnnxSignature.InputTheta) != mm
                || Const(mm.Input[1]) is not { Rank: 2 } v || v.Shape[0] != nt || v.Shape[1] != nin)
                throw new NotThePattern($"theta does not enter as MatMul(theta, V) with V [n_theta, {nin}].");
            shift = v.Data.ToArray();
            Take(mm);
            cur = Take(add);
        }
        var layers = new List<DenseLayer>();
        while (!(cur == sig.OutputName && Consumers(cur).Count == 0))
        {
            var (w, b, inputs, outputs) = Affine(ref cur);
            var (act, slope) = ActivationAfter(ref cur);
            layers.Add(new DenseLayer(inputs, outputs, w, b, act, slope));
        }
        if (_visited.Count != _computeNodes)
            throw new NotThePattern($"{_computeNodes - _visited.Count} node(s) lie outside the theory-aware chain.");
        if (layers.Count == 0) throw new NotThePattern("no dense layers found.");
        return new TheoryAwareNetwork(sig.FeatureNames, sig.ThetaNames, mean, std, shift, layers);
    }

    /// <summary>[I | 0]: the n_x standardised features copied into the first n_x of n_in inputs, the latent rest zero.</summary>
    static bool IsLatentEmbedding(OnnxTensor e)
    {
        int rows = e.Shape[0], cols = e.Shape[1];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                if (e.Data[i * cols + j] != (i == j ? 1f : 0f)) return false;
        return true;
    }

    /// <summary>One affine map h·Wᵀ + b from Gemm, or MatMul followed by an optional bias Add.</summary>
    (float[] W, float[] B, int In, int Out) Affine(ref string cur)
    {
        var node = Only(cur) ?? throw new NotThePattern($"'{cur}' does not feed exactly one node.");
        float[] w; int nIn, nOut;
        float[]? bias = null;
        if (node.OpType == "Gemm" && node.Input[0] == cur && Const(node.Input[1]) is { Rank: 2 } g
            && OnnxProto.AttrInt(node, "transA", 0) == 0)
        {
            bool tb = OnnxProto.AttrInt(node, "transB", 0) != 0;
            float alpha = OnnxProto.AttrFloat(node, "alpha", 1f), beta = OnnxProto.AttrFloat(node, "beta", 1f);
            (nOut, nIn) = tb ? (g.Shape[0], g.Shape[1]) : (g.Shape[1], g.Shape[0]);
            w = tb ? g.Data.ToArray() : OnnxKernels.Transpose(g.Data, nIn, nOut);
            for (int i = 0; i < w.Length; i++) w[i] *= alpha;
            if (node.Input.Count > 2 && node.Input[2].Length > 0)
            {
                bias = Vector(node.Input[2], nOut) ?? throw new NotThePattern($"Gemm '{node.Name}' has a bias that is not a constant vector of {nOut}.");
                for (int i = 0; i < bias.Length; i++) bias[i] *= beta;
            }
            cur = Take(node);
        }
        else if (node.OpType == "MatMul" && node.Input[0] == cur && Const(node.Input[1]) is { Rank: 2 } mw)
        {
            (nIn, nOut) = (mw.Shape[0], mw.Shape[1]);
            w = OnnxKernels.Transpose(mw.Data, nIn, nOut);
            cur = Take(node);
            if (Only(cur) is { OpType: "Add" } add && Vector(add.Input[0] == cur ? add.Input[1] : add.Input[0], nOut) is { } b)
            {
                bias = b; cur = Take(add);
            }
        }
        else throw new NotThePattern($"{OnnxProto.Describe(node)} is not a dense layer (Gemm or MatMul with constant weights).");
        return (w, bias ?? new float[nOut], nIn, nOut);
    }

    (Activation, float) ActivationAfter(ref string cur)
    {
        var next = Consumers(cur);
        if (next.Count == 1)
        {
            var n = next[0];
            (Activation Act, float Slope)? found = n.OpType switch
            {
                "Relu" => (Activation.ReLU, 0.01f),
                "Tanh" => (Activation.Tanh, 0.01f),
                "Sigmoid" => (Activation.Sigmoid, 0.01f),
                "LeakyRelu" => (Activation.LeakyReLU, OnnxProto.AttrFloat(n, "alpha", 0.01f)),
                _ => null,
            };
            if (found is { } f) { cur = Take(n); return f; }
        }
        if (next.Count == 2 && next.FirstOrDefault(n => n.OpType == "Sigmoid") is { } sig
            && next.FirstOrDefault(n => n.OpType == "Mul") is { } mul
            && Consumers(sig.Output[0]).Count == 1
            && mul.Input.OrderBy(i => i, StringComparer.Ordinal).SequenceEqual(new[] { cur, sig.Output[0] }.OrderBy(i => i, StringComparer.Ordinal)))
        {
            Take(sig);
            cur = Take(mul);
            return (Activation.SiLU, 0.01f);
        }
        return (Activation.Identity, 0.01f);
    }

    List<NodeProto> Consumers(string name) => _consumers.GetValueOrDefault(name) ?? [];

    NodeProto? Only(string name) => Consumers(name) is [var single] ? single : null;

    /// <summary>Marks the node as part of the chain and returns its output after skipping pass-through nodes.</summary>
    string Take(NodeProto node)
    {
        if (!_visited.Add(node)) throw new NotThePattern($"{OnnxProto.Describe(node)} is reached twice.");
        return Skip(node.Output[0]);
    }

    string Skip(string name)
    {
        while (Only(name) is { } n && (n.OpType == "Identity" || (n.OpType == "Flatten" && OnnxProto.AttrInt(n, "axis", 1) == 1)))
        {
            _visited.Add(n);
            name = n.Output[0];
        }
        return name;
    }

    OnnxTensor? Const(string name) => _constants.GetValueOrDefault(name);

    /// <summary>A constant holding exactly <paramref name="n"/> values ([n] or [1, n]), copied; a single value is broadcast.</summary>
    float[]? Vector(string name, int n)
    {
        if (Const(name) is not { } t || t.Shape.Count(d => d != 1) > 1) return null;
        if (t.Data.Length == n) return t.Data.ToArray();
        return t.Data.Length == 1 ? Enumerable.Repeat(t.Data[0], n).ToArray() : null;
    }
}
