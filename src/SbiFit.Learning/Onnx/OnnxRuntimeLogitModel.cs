using Microsoft.ML.OnnxRuntime;

namespace SbiFit.Learning.Onnx;

/// <summary>
/// Evaluates an ONNX logit model with ONNX Runtime (the "runtime" backend): sequential execution with a fixed number
/// of intra-op threads, rows fed in batches through pre-allocated tensors. Calls are serialised (one buffer set).
/// </summary>
public sealed class OnnxRuntimeLogitModel : ILogitModel, IDisposable
{
    readonly InferenceSession _session;
    readonly RunOptions _runOptions = new();
    readonly OnnxSignature _signature;
    readonly int _batchRows;
    readonly float[] _x, _theta, _y;
    readonly OrtValue[] _fullInputs, _fullOutputs;
    readonly string[] _inputNames, _outputNames;
    readonly object _lock = new();
    bool _disposed;

    /// <summary>Loads <paramref name="path"/> into an ONNX Runtime session.</summary>
    /// <param name="path">ONNX model with inputs x [N, n_x], optional theta [N, n_θ] and one logit output.</param>
    /// <param name="threads">Intra-op threads (inter-op is 1, execution sequential).</param>
    /// <param name="batchRows">Rows per Run call (ONNX Runtime is fastest at ~1k–8k).</param>
    /// <exception cref="OnnxModelException">The file is missing or malformed, or ONNX Runtime rejects it.</exception>
    public OnnxRuntimeLogitModel(string path, int threads = 1, int batchRows = 8192)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "need at least one thread.");
        if (batchRows < 1) throw new ArgumentOutOfRangeException(nameof(batchRows), batchRows, "need at least one row per batch.");
        var model = OnnxProto.ParseModel(path);
        _signature = OnnxSignature.Read(model, path);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try { _session = new InferenceSession(path, options); }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"ONNX Runtime cannot load '{path}': {e.Message}", e);
        }
        Path = path;
        _batchRows = batchRows;
        int nx = FeatureNames.Count, nt = ThetaNames.Count;
        _x = new float[batchRows * nx];
        _theta = new float[batchRows * Math.Max(nt, 1)];
        _y = new float[batchRows];
        _inputNames = _signature.HasTheta ? [OnnxSignature.InputX, OnnxSignature.InputTheta] : [OnnxSignature.InputX];
        _outputNames = [_signature.OutputName];
        (_fullInputs, _fullOutputs) = Bind(batchRows);
    }

    /// <summary>The model file.</summary>
    public string Path { get; }
    /// <inheritdoc/>
    public IReadOnlyList<string> FeatureNames => _signature.FeatureNames;
    /// <inheritdoc/>
    public IReadOnlyList<string> ThetaNames => _signature.ThetaNames;
    /// <summary>The model's metadata properties.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _signature.Metadata;

    /// <summary>OrtValues over the first <paramref name="rows"/> rows of the pinned buffers.</summary>
    (OrtValue[] Inputs, OrtValue[] Outputs) Bind(int rows)
    {
        int nx = FeatureNames.Count, nt = ThetaNames.Count;
        var mem = OrtMemoryInfo.DefaultInstance;
        var inputs = new List<OrtValue> { OrtValue.CreateTensorValueFromMemory(mem, _x.AsMemory(0, rows * nx), [rows, nx]) };
        if (_signature.HasTheta) inputs.Add(OrtValue.CreateTensorValueFromMemory(mem, _theta.AsMemory(0, rows * nt), [rows, nt]));
        long[] outShape = _signature.OutputRank == 1 ? [rows] : [rows, 1];
        var output = OrtValue.CreateTensorValueFromMemory(mem, _y.AsMemory(0, rows), outShape);
        return (inputs.ToArray(), [output]);
    }

    /// <inheritdoc/>
    public void Logits(ReadOnlySpan<float> x, ReadOnlySpan<float> theta, int rows, Span<float> logits)
    {
        int nx = FeatureNames.Count, nt = ThetaNames.Count;
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "must be non-negative.");
        if (x.Length < (long)rows * nx) throw new ArgumentException($"x holds {x.Length} values, expected {rows}x{nx}.", nameof(x));
        if (theta.Length < (long)rows * nt) throw new ArgumentException($"theta holds {theta.Length} values, expected {rows}x{nt}.", nameof(theta));
        if (logits.Length < rows) throw new ArgumentException($"logits holds {logits.Length} values, expected {rows}.", nameof(logits));
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            for (int r0 = 0; r0 < rows; r0 += _batchRows)
            {
                int n = Math.Min(_batchRows, rows - r0);
                x.Slice(r0 * nx, n * nx).CopyTo(_x);
                theta.Slice(r0 * nt, n * nt).CopyTo(_theta);
                if (n == _batchRows) Run(_fullInputs, _fullOutputs);
                else
                {
                    var (inputs, outputs) = Bind(n);
                    try { Run(inputs, outputs); }
                    finally { foreach (var v in inputs.Concat(outputs)) v.Dispose(); }
                }
                _y.AsSpan(0, n).CopyTo(logits.Slice(r0, n));
            }
        }
    }

    void Run(OrtValue[] inputs, OrtValue[] outputs)
    {
        try { _session.Run(_runOptions, _inputNames, inputs, _outputNames, outputs); }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxModelException($"ONNX Runtime failed to evaluate '{Path}': {e.Message}", e);
        }
    }

    /// <summary>Releases the session and the pinned tensors.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var v in _fullInputs.Concat(_fullOutputs)) v.Dispose();
            _runOptions.Dispose();
            _session.Dispose();
        }
    }
}
