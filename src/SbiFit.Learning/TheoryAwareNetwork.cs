namespace SbiFit.Learning;

/// <summary>
/// The theory-aware classifier s(x, θ) = sigmoid(f(z + θ·V)), z = (x − mean)/std, with V an [n_θ, n_in] shift matrix
/// (no bias) and f a stack of dense layers ending in one logit. This class holds the parameters only; evaluation
/// kernels, training, ONNX I/O and code generation live in their own classes and read these arrays.
/// <para>
/// The first layer may take more inputs than there are features (n_in = n_x + n_latent): z is then padded with
/// <see cref="LatentCount"/> latent dimensions that are zero for every event, so θ·V can move an event along
/// directions no feature spans. With n_latent = 0 this is the seed's s_base(x + v(θ)); with n_latent ≥ n_θ the first layer
/// sees θ through its own weights (W₁V θ is then an arbitrary linear map of θ), which the exact log-ratio of a
/// Wilson-coefficient reweighting needs: log r(x|θ) is a log-quadratic in θ that no pure shift of x reproduces.
/// </para>
/// </summary>
public sealed partial class TheoryAwareNetwork
{
    /// <summary>Creates a network; arrays are taken by reference and validated for shape.</summary>
    public TheoryAwareNetwork(IReadOnlyList<string> featureNames, IReadOnlyList<string> thetaNames,
        float[] mean, float[] std, float[] shift, IReadOnlyList<DenseLayer> layers)
    {
        int nx = featureNames.Count, nt = thetaNames.Count;
        if (nx == 0) throw new ArgumentException("A network needs at least one input feature.");
        if (mean.Length != nx) throw new ArgumentException($"mean has {mean.Length} entries, expected {nx} (one per feature).");
        if (std.Length != nx) throw new ArgumentException($"std has {std.Length} entries, expected {nx} (one per feature).");
        for (int i = 0; i < nx; i++)
            if (!(std[i] > 0) || !float.IsFinite(std[i]))
                throw new ArgumentException($"std of feature '{featureNames[i]}' is {std[i]}; it must be positive and finite.");
        if (layers.Count == 0) throw new ArgumentException("A network needs at least one dense layer.");
        int nin = layers[0].Inputs;
        if (nin < nx) throw new ArgumentException($"first layer takes {nin} inputs, but there are {nx} features.");
        if (shift.Length != nt * nin) throw new ArgumentException($"shift matrix V has {shift.Length} entries, expected {nt}x{nin}.");
        for (int l = 1; l < layers.Count; l++)
            if (layers[l].Inputs != layers[l - 1].Outputs)
                throw new ArgumentException($"layer {l} takes {layers[l].Inputs} inputs but layer {l - 1} gives {layers[l - 1].Outputs}.");
        if (layers[^1].Outputs != 1) throw new ArgumentException("The last layer must have exactly one output (the logit).");
        FeatureNames = featureNames.ToArray();
        ThetaNames = thetaNames.ToArray();
        Mean = mean; Std = std; Shift = shift; Layers = layers.ToArray();
    }

    /// <summary>Input feature names, in order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }
    /// <summary>Theta component names, in order (may be empty).</summary>
    public IReadOnlyList<string> ThetaNames { get; }
    /// <summary>Standardisation offsets [n_x].</summary>
    public float[] Mean { get; }
    /// <summary>Standardisation scales [n_x].</summary>
    public float[] Std { get; }
    /// <summary>Theory-aware shift V, row-major [n_θ, n_in] with n_in = n_x + n_latent.</summary>
    public float[] Shift { get; }
    /// <summary>Dense layers, the last giving the logit.</summary>
    public IReadOnlyList<DenseLayer> Layers { get; }
    /// <summary>Number of input features.</summary>
    public int FeatureCount => FeatureNames.Count;
    /// <summary>Number of theta components.</summary>
    public int ThetaCount => ThetaNames.Count;
    /// <summary>Latent input dimensions: zero in the data, reached only through θ·V (0 = the seed's pure shift).</summary>
    public int LatentCount => Layers[0].Inputs - FeatureCount;
    /// <summary>Width of the first layer's input (and of the rows of <see cref="Shift"/>): n_x + n_latent.</summary>
    public int InputWidth => Layers[0].Inputs;

    /// <summary>
    /// Reference (scalar, double-precision) evaluation of one event's logit. Slow; used by tests and as the oracle
    /// that the fast kernels, ONNX Runtime and generated code are checked against.
    /// </summary>
    public double ReferenceLogit(ReadOnlySpan<double> x, ReadOnlySpan<double> theta)
    {
        int nx = FeatureCount, nt = ThetaCount, nin = InputWidth;
        var h = new double[nin];
        for (int i = 0; i < nin; i++)
        {
            double z = i < nx ? (x[i] - Mean[i]) / Std[i] : 0;
            for (int t = 0; t < nt; t++) z += theta[t] * Shift[t * nin + i];
            h[i] = z;
        }
        foreach (var layer in Layers)
        {
            var y = new double[layer.Outputs];
            for (int o = 0; o < layer.Outputs; o++)
            {
                double s = layer.Bias[o];
                for (int i = 0; i < layer.Inputs; i++) s += layer.Weights[o * layer.Inputs + i] * h[i];
                y[o] = ApplyActivation(layer.Activation, s, layer.LeakySlope);
            }
            h = y;
        }
        return h[0];
    }

    /// <summary>Applies an activation in double precision.</summary>
    public static double ApplyActivation(Activation a, double s, double leakySlope = 0.01) => a switch
    {
        Activation.Identity => s,
        Activation.ReLU => s > 0 ? s : 0,
        Activation.Tanh => Math.Tanh(s),
        Activation.SiLU => s / (1 + Math.Exp(-s)),
        Activation.LeakyReLU => s > 0 ? s : leakySlope * s,
        Activation.Sigmoid => 1 / (1 + Math.Exp(-s)),
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };
}
