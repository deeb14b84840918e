namespace SbiFit.Learning.Onnx;

/// <summary>Loads ONNX logit models (SbiFit's own exports, PyTorch exports of the theory-aware network, or general MLPs).</summary>
public static class OnnxModelReader
{
    /// <summary>
    /// Reads <paramref name="path"/>, checks inputs <c>x</c>/<c>theta</c> and the logit output, prepares the interpreter
    /// and, when the graph has the theory-aware structure, rebuilds the <see cref="TheoryAwareNetwork"/>.
    /// </summary>
    /// <exception cref="OnnxModelException">The file is missing or malformed, or uses something unsupported.</exception>
    public static OnnxModel Load(string path)
    {
        var model = OnnxProto.ParseModel(path);
        try
        {
            int opset = OnnxProto.DefaultOpset(model, path);
            var signature = OnnxSignature.Read(model, path);
            var interpreter = new OnnxGraphInterpreter(model.Graph, opset, path);
            var network = OnnxTheoryAwareImport.TryConvert(model.Graph, interpreter.Constants, signature, out string? reason);
            return new OnnxModel(path, signature, interpreter, network, reason);
        }
        catch (Exception e) when (e is not (OnnxModelException or OutOfMemoryException))
        {
            // A structurally odd but parseable file (e.g. missing node inputs) must still end in a clear error.
            throw new OnnxModelException($"'{path}' is not a usable ONNX model: {e.Message}", e);
        }
    }
}
