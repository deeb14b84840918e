namespace SbiFit.Learning;

/// <summary>
/// A classifier s(x, θ) = sigmoid(logit(x, θ)) that can be evaluated in batches. The likelihood layer only needs
/// this: log r(x|θ) = logit(x, θ) − logit(x, 0).
/// </summary>
public interface ILogitModel
{
    /// <summary>Names of the input features (data columns), in input order.</summary>
    IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Names of the theta components (WC names, e.g. <c>V_R</c>), in input order.</summary>
    IReadOnlyList<string> ThetaNames { get; }

    /// <summary>
    /// Computes logits for <paramref name="rows"/> events. <paramref name="x"/> is row-major [rows, n_x] raw
    /// (unstandardised) features, <paramref name="theta"/> row-major [rows, n_theta].
    /// </summary>
    void Logits(ReadOnlySpan<float> x, ReadOnlySpan<float> theta, int rows, Span<float> logits);
}

/// <summary>Activation functions supported by SbiFit's dense layers.</summary>
public enum Activation
{
    /// <summary>No activation (output layer).</summary>
    Identity,
    /// <summary>max(0, x).</summary>
    ReLU,
    /// <summary>tanh(x).</summary>
    Tanh,
    /// <summary>x·sigmoid(x).</summary>
    SiLU,
    /// <summary>max(αx, x) with α = 0.01 unless stated.</summary>
    LeakyReLU,
    /// <summary>1/(1+e^-x).</summary>
    Sigmoid,
}

/// <summary>One dense layer y = act(W h + b); W is row-major [Out, In] (PyTorch's Linear layout).</summary>
public sealed class DenseLayer
{
    /// <summary>Creates a layer; arrays are taken by reference.</summary>
    public DenseLayer(int inputs, int outputs, float[] weights, float[] bias, Activation activation, float leakySlope = 0.01f)
    {
        if (weights.Length != inputs * outputs) throw new ArgumentException($"weights has {weights.Length} entries, expected {outputs}x{inputs}.");
        if (bias.Length != outputs) throw new ArgumentException($"bias has {bias.Length} entries, expected {outputs}.");
        Inputs = inputs; Outputs = outputs; Weights = weights; Bias = bias; Activation = activation; LeakySlope = leakySlope;
    }

    /// <summary>Input width.</summary>
    public int Inputs { get; }
    /// <summary>Output width.</summary>
    public int Outputs { get; }
    /// <summary>Row-major [Outputs, Inputs].</summary>
    public float[] Weights { get; }
    /// <summary>[Outputs].</summary>
    public float[] Bias { get; }
    /// <summary>Activation applied after the affine map.</summary>
    public Activation Activation { get; }
    /// <summary>Slope for <see cref="Activation.LeakyReLU"/>.</summary>
    public float LeakySlope { get; }
}
