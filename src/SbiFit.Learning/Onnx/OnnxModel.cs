namespace SbiFit.Learning.Onnx;

/// <summary>
/// A logit model loaded from an ONNX file by <see cref="OnnxModelReader"/>. When the graph is the theory-aware
/// pattern, <see cref="Network"/> holds the rebuilt parameters (for the fast kernels and code generation); every
/// model can also be evaluated by <see cref="Interpreter"/>, which is what <see cref="Logits"/> uses.
/// </summary>
public sealed class OnnxModel : ILogitModel
{
    const int ChunkRows = 4096;
    readonly OnnxSignature _signature;

    internal OnnxModel(string path, OnnxSignature signature, OnnxGraphInterpreter interpreter, TheoryAwareNetwork? network, string? notConvertedBecause)
    {
        Path = path;
        _signature = signature;
        Interpreter = interpreter;
        Network = network;
        NotConvertedReason = notConvertedBecause;
    }

    /// <summary>The file the model was read from.</summary>
    public string Path { get; }
    /// <inheritdoc/>
    public IReadOnlyList<string> FeatureNames => _signature.FeatureNames;
    /// <inheritdoc/>
    public IReadOnlyList<string> ThetaNames => _signature.ThetaNames;
    /// <summary>The model's metadata properties (e.g. feature_names, theta_names, sbifit_version, model_kind).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _signature.Metadata;
    /// <summary>The theory-aware network rebuilt from the graph, or null when the graph has another structure.</summary>
    public TheoryAwareNetwork? Network { get; }
    /// <summary>Why the graph was not recognised as a theory-aware network (null when it was).</summary>
    public string? NotConvertedReason { get; }
    /// <summary>The general graph evaluator.</summary>
    public OnnxGraphInterpreter Interpreter { get; }
    /// <summary>Maximum threads <see cref="Logits"/> uses over row chunks (default: all cores).</summary>
    public int MaxThreads { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// Evaluates the graph with the interpreter in chunks of rows (in parallel). Results do not depend on the
    /// thread count: rows are independent.
    /// </summary>
    public unsafe void Logits(ReadOnlySpan<float> x, ReadOnlySpan<float> theta, int rows, Span<float> logits)
    {
        int nx = FeatureNames.Count, nt = ThetaNames.Count;
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "must be non-negative.");
        if (x.Length < (long)rows * nx) throw new ArgumentException($"x holds {x.Length} values, expected {rows}x{nx}.", nameof(x));
        if (theta.Length < (long)rows * nt) throw new ArgumentException($"theta holds {theta.Length} values, expected {rows}x{nt}.", nameof(theta));
        if (logits.Length < rows) throw new ArgumentException($"logits holds {logits.Length} values, expected {rows}.", nameof(logits));
        int chunks = (rows + ChunkRows - 1) / ChunkRows;
        fixed (float* px = x, pt = theta, py = logits)
        {
            nint ax = (nint)px, at = (nint)pt, ay = (nint)py; // pointers cannot be captured by the lambda
            void Chunk(int c)
            {
                int r0 = c * ChunkRows, n = Math.Min(ChunkRows, rows - r0);
                var result = Evaluate(new ReadOnlySpan<float>((float*)ax + (long)r0 * nx, n * nx),
                    new ReadOnlySpan<float>((float*)at + (long)r0 * nt, n * nt), n);
                result.CopyTo(new Span<float>((float*)ay + r0, n));
            }
            if (chunks <= 1 || MaxThreads <= 1) for (int c = 0; c < chunks; c++) Chunk(c);
            else Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = MaxThreads }, Chunk);
        }
    }

    float[] Evaluate(ReadOnlySpan<float> x, ReadOnlySpan<float> theta, int rows)
    {
        var inputs = new Dictionary<string, OnnxTensor> { [OnnxSignature.InputX] = new([rows, FeatureNames.Count], x.ToArray()) };
        if (_signature.HasTheta) inputs[OnnxSignature.InputTheta] = new([rows, ThetaNames.Count], theta.ToArray());
        var y = Interpreter.Run(inputs)[_signature.OutputName];
        bool ok = y.Data.Length == rows && (y.Rank == 1 || (y.Rank == 2 && y.Shape[1] == 1));
        if (!ok)
            throw new OnnxModelException($"output '{_signature.OutputName}' of '{Path}' has shape {y.ShapeText} for {rows} events; a logit model must give [N, 1].");
        return y.Data;
    }
}
