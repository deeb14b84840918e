namespace SbiFit.Learning.Onnx;

/// <summary>
/// An ONNX model file could not be read, understood or evaluated. The message names the file and the problem
/// (missing file, malformed protobuf, unsupported operator or data type, unexpected inputs or outputs).
/// </summary>
public sealed class OnnxModelException : Exception
{
    /// <summary>Creates the exception with a message.</summary>
    public OnnxModelException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public OnnxModelException(string message, Exception inner) : base(message, inner) { }
}
