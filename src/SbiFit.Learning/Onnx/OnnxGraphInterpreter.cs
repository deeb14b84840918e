using Onnx;

namespace SbiFit.Learning.Onnx;

/// <summary>
/// Evaluates a general ONNX graph (float32, batched tensors) with SbiFit's own kernels, for models that are not
/// the theory-aware pattern. Supports Gemm, MatMul, Add, Sub, Mul, Div (numpy broadcasting), Relu, Sigmoid, Tanh,
/// LeakyRelu, Identity, Flatten, Constant and Concat from opset 9 on; initializers are constants. Thread-safe.
/// </summary>
public sealed class OnnxGraphInterpreter
{
    /// <summary>Operator types the interpreter can evaluate.</summary>
    public static IReadOnlyList<string> SupportedOperators { get; } =
        ["Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Identity", "Flatten", "Constant", "Concat"];

    readonly record struct Step(NodeProto Node, int[] Inputs, int Output, Func<OnnxTensor?[], OnnxTensor> Kernel);

    readonly OnnxTensor?[] _template;
    readonly Step[] _steps;
    readonly Dictionary<string, int> _slots = new();
    readonly Dictionary<string, int?[]?> _inputShapes = new();
    readonly string _source;

    internal OnnxGraphInterpreter(GraphProto graph, int opset, string source)
    {
        _source = source;
        Opset = opset;
        foreach (var node in graph.Node)
            if (node.Domain is not ("" or "ai.onnx") || !SupportedOperators.Contains(node.OpType))
                throw new OnnxModelException($"'{source}' uses unsupported operator '{(node.Domain is "" or "ai.onnx" ? "" : node.Domain + ".")}{node.OpType}' "
                    + $"(node '{node.Name}'); supported operators: {string.Join(", ", SupportedOperators)}.");

        var constants = new Dictionary<string, OnnxTensor>();
        var unusable = new Dictionary<string, OnnxModelException>();
        foreach (var t in graph.Initializer)
        {
            try { constants[t.Name] = OnnxProto.ReadTensor(t, $"initializer '{t.Name}' in '{source}'"); }
            catch (OnnxModelException e) { unusable[t.Name] = e; }
        }
        var inputs = new List<string>();
        foreach (var v in graph.Input)
        {
            if (constants.ContainsKey(v.Name) || unusable.ContainsKey(v.Name)) continue; // IR < 4 lists initializers as inputs
            var (elem, shape) = OnnxProto.Describe(v);
            if (elem != OnnxProto.ElemFloat)
                throw new OnnxModelException($"input '{v.Name}' of '{source}' has data type {OnnxProto.ElemTypeName(elem)}; only float32 inputs are supported.");
            inputs.Add(v.Name);
            _inputShapes[v.Name] = shape;
            Slot(v.Name);
        }
        InputNames = inputs;

        var steps = new List<Step>();
        foreach (var node in graph.Node)
        {
            if (node.Output.Count == 0 || string.IsNullOrEmpty(node.Output[0]))
                throw new OnnxModelException($"{OnnxProto.Describe(node)} in '{source}' has no output.");
            if (node.OpType == "Constant")
            {
                constants[node.Output[0]] = ConstantValue(node);
                continue;
            }
            var slots = new int[node.Input.Count];
            for (int i = 0; i < slots.Length; i++)
            {
                string name = node.Input[i];
                if (name.Length == 0) { slots[i] = -1; continue; }
                if (unusable.TryGetValue(name, out var why))
                    throw new OnnxModelException($"{OnnxProto.Describe(node)} cannot use {why.Message}", why);
                if (constants.ContainsKey(name)) Slot(name);
                else if (!_slots.ContainsKey(name))
                    throw new OnnxModelException($"{OnnxProto.Describe(node)} in '{source}' reads '{name}', which no earlier node, initializer or input produces (nodes out of order or file truncated?).");
                slots[i] = _slots[name];
            }
            steps.Add(new Step(node, slots, Slot(node.Output[0]), Compile(node, slots.Length)));
        }
        _steps = steps.ToArray();

        var outputs = new List<string>();
        foreach (var v in graph.Output)
        {
            if (!_slots.ContainsKey(v.Name) && !constants.ContainsKey(v.Name))
                throw new OnnxModelException($"output '{v.Name}' of '{source}' is not produced by any node.");
            var (elem, _) = OnnxProto.Describe(v);
            if (elem != OnnxProto.ElemFloat)
                throw new OnnxModelException($"output '{v.Name}' of '{source}' has data type {OnnxProto.ElemTypeName(elem)}; only float32 outputs are supported.");
            Slot(v.Name);
            outputs.Add(v.Name);
        }
        OutputNames = outputs;
        _template = new OnnxTensor?[_slots.Count];
        foreach (var (name, value) in constants)
            if (_slots.TryGetValue(name, out int s)) _template[s] = value;
        Constants = constants;
    }

    /// <summary>Names of the runtime inputs (initializers excluded), in graph order.</summary>
    public IReadOnlyList<string> InputNames { get; }
    /// <summary>Names of the graph outputs.</summary>
    public IReadOnlyList<string> OutputNames { get; }
    /// <summary>The model's default-domain opset.</summary>
    public int Opset { get; }
    internal IReadOnlyDictionary<string, OnnxTensor> Constants { get; }

    int Slot(string name)
    {
        if (!_slots.TryGetValue(name, out int s)) _slots[name] = s = _slots.Count;
        return s;
    }

    /// <summary>Evaluates the graph; every input in <see cref="InputNames"/> must be given. Returns all outputs.</summary>
    public IReadOnlyDictionary<string, OnnxTensor> Run(IReadOnlyDictionary<string, OnnxTensor> inputs)
    {
        var values = (OnnxTensor?[])_template.Clone();
        foreach (string name in InputNames)
        {
            if (!inputs.TryGetValue(name, out var t))
                throw new OnnxModelException($"no value given for input '{name}' of '{_source}'.");
            if (_inputShapes[name] is { } declared)
            {
                bool ok = declared.Length == t.Rank;
                for (int d = 0; ok && d < declared.Length; d++) ok = declared[d] is not { } v || v == t.Shape[d];
                if (!ok)
                    throw new OnnxModelException($"input '{name}' of '{_source}' has shape {t.ShapeText}, but the model declares [{string.Join(",", declared.Select(v => v?.ToString() ?? "?"))}].");
            }
            values[_slots[name]] = t;
        }
        foreach (var step in _steps)
        {
            var a = new OnnxTensor?[step.Inputs.Length];
            for (int i = 0; i < a.Length; i++) a[i] = step.Inputs[i] < 0 ? null : values[step.Inputs[i]];
            try { values[step.Output] = step.Kernel(a); }
            catch (InvalidOperationException e)
            {
                throw new OnnxModelException($"{OnnxProto.Describe(step.Node)} in '{_source}' failed: {e.Message}", e);
            }
        }
        return OutputNames.ToDictionary(n => n, n => values[_slots[n]]!);
    }

    Func<OnnxTensor?[], OnnxTensor> Compile(NodeProto node, int arity)
    {
        int required = node.OpType switch
        {
            "Gemm" => Opset >= 11 ? 2 : 3,
            "MatMul" or "Add" or "Sub" or "Mul" or "Div" => 2,
            "Concat" => 1,
            _ => 1,
        };
        if (arity < required)
            throw new OnnxModelException($"{OnnxProto.Describe(node)} in '{_source}' has {arity} inputs; it needs at least {required}.");
        static OnnxTensor In(OnnxTensor?[] a, int i) => a[i] ?? throw new InvalidOperationException($"input {i} is missing.");
        switch (node.OpType)
        {
            case "Add": return a => OnnxKernels.Binary(BinaryOp.Add, In(a, 0), In(a, 1));
            case "Sub": return a => OnnxKernels.Binary(BinaryOp.Sub, In(a, 0), In(a, 1));
            case "Mul": return a => OnnxKernels.Binary(BinaryOp.Mul, In(a, 0), In(a, 1));
            case "Div": return a => OnnxKernels.Binary(BinaryOp.Div, In(a, 0), In(a, 1));
            case "Relu": return a => OnnxKernels.Relu(In(a, 0));
            case "Sigmoid": return a => OnnxKernels.Sigmoid(In(a, 0));
            case "Tanh": return a => OnnxKernels.Tanh(In(a, 0));
            case "Identity": return a => In(a, 0);
            case "MatMul": return a => OnnxKernels.MatMul(In(a, 0), In(a, 1));
            case "LeakyRelu":
                float slope = OnnxProto.AttrFloat(node, "alpha", 0.01f);
                return a => OnnxKernels.LeakyRelu(In(a, 0), slope);
            case "Flatten":
                int axis = (int)OnnxProto.AttrInt(node, "axis", 1);
                return a => OnnxKernels.Flatten(In(a, 0), axis);
            case "Concat":
                if (OnnxProto.Attr(node, "axis") is null)
                    throw new OnnxModelException($"{OnnxProto.Describe(node)} in '{_source}' has no 'axis' attribute.");
                int caxis = (int)OnnxProto.AttrInt(node, "axis", 0);
                return a => OnnxKernels.Concat(a.Where(t => t is not null).Select(t => t!).ToArray(), caxis);
            default: // Gemm
                float alpha = OnnxProto.AttrFloat(node, "alpha", 1f), beta = OnnxProto.AttrFloat(node, "beta", 1f);
                bool ta = OnnxProto.AttrInt(node, "transA", 0) != 0, tb = OnnxProto.AttrInt(node, "transB", 0) != 0;
                return a => OnnxKernels.Gemm(In(a, 0), In(a, 1), a.Length > 2 ? a[2] : null, alpha, beta, ta, tb);
        }
    }

    OnnxTensor ConstantValue(NodeProto node)
    {
        string what = $"the value of {OnnxProto.Describe(node)} in '{_source}'";
        if (OnnxProto.Attr(node, "value") is { T: { } t }) return OnnxProto.ReadTensor(t, what);
        if (OnnxProto.Attr(node, "value_float") is { } f) return new OnnxTensor([], [f.F]);
        if (OnnxProto.Attr(node, "value_floats") is { } fs) return new OnnxTensor([fs.Floats.Count], fs.Floats.ToArray());
        string kinds = string.Join(", ", node.Attribute.Select(a => a.Name));
        throw new OnnxModelException($"{what} is given as '{kinds}'; only float tensors (value, value_float, value_floats) are supported.");
    }
}
