namespace SbiFit.Learning.Onnx;

/// <summary>A dense row-major float32 tensor as passed through <see cref="OnnxGraphInterpreter"/>.</summary>
public sealed class OnnxTensor
{
    /// <summary>Wraps <paramref name="data"/> (by reference) with the given shape.</summary>
    public OnnxTensor(int[] shape, float[] data)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"tensor dimension {d} is negative.");
            n *= d;
        }
        if (n != data.Length) throw new ArgumentException($"tensor of shape [{string.Join(",", shape)}] needs {n} values, got {data.Length}.");
        Shape = shape; Data = data;
    }

    /// <summary>Dimensions, outermost first (an empty array is a scalar).</summary>
    public int[] Shape { get; }
    /// <summary>Values in row-major order.</summary>
    public float[] Data { get; }
    /// <summary>Number of dimensions.</summary>
    public int Rank => Shape.Length;

    internal string ShapeText => "[" + string.Join(",", Shape) + "]";
}
