namespace SbiFit.Learning.Kernels;

/// <summary>
/// Shape of a theory-aware network and the offsets of its parameters in one flat vector:
/// V [n_θ·n_in], then for each layer W [out·in] followed by b [out]. Training, Adam and checkpoints use this order.
/// n_in = n_x + n_latent: the first layer's input is the standardised features padded with latent dimensions that are
/// zero in the data, so θ·V can move events along directions the features do not span.
/// </summary>
internal sealed class NetworkLayout
{
    internal NetworkLayout(int features, int latent, int thetas, IReadOnlyList<int> layerOutputs, IReadOnlyList<Activation> activations,
        IReadOnlyList<float> leakySlopes)
    {
        Features = features; Latent = latent; Thetas = thetas;
        Outputs = layerOutputs.ToArray(); Activations = activations.ToArray(); LeakySlopes = leakySlopes.ToArray();
        Inputs = new int[Outputs.Length]; WeightOffset = new int[Outputs.Length]; BiasOffset = new int[Outputs.Length];
        int at = thetas * InputWidth, inputs = InputWidth;
        for (int l = 0; l < Outputs.Length; l++)
        {
            Inputs[l] = inputs;
            WeightOffset[l] = at; at += Outputs[l] * inputs;
            BiasOffset[l] = at; at += Outputs[l];
            inputs = Outputs[l];
        }
        ParameterCount = at;
        MaxWidth = Math.Max(InputWidth, Outputs.Max());
    }

    /// <summary>Layout for hidden layers of one activation plus a one-logit identity output layer.</summary>
    internal static NetworkLayout ForTraining(int features, int latent, int thetas, IReadOnlyList<int> hidden, Activation activation, float slope)
    {
        var outs = hidden.Append(1).ToArray();
        var acts = hidden.Select(_ => activation).Append(Activation.Identity).ToArray();
        return new NetworkLayout(features, latent, thetas, outs, acts, outs.Select(_ => slope).ToArray());
    }

    /// <summary>Layout of an existing network.</summary>
    internal static NetworkLayout Of(TheoryAwareNetwork net) => new(net.FeatureCount, net.LatentCount, net.ThetaCount,
        net.Layers.Select(l => l.Outputs).ToArray(), net.Layers.Select(l => l.Activation).ToArray(),
        net.Layers.Select(l => l.LeakySlope).ToArray());

    internal int Features { get; }
    /// <summary>Latent input dimensions (zero in the data, reached only through θ·V).</summary>
    internal int Latent { get; }
    /// <summary>Width of the first layer's input, n_x + n_latent.</summary>
    internal int InputWidth => Features + Latent;
    internal int Thetas { get; }
    internal int[] Inputs { get; }
    internal int[] Outputs { get; }
    internal Activation[] Activations { get; }
    internal float[] LeakySlopes { get; }
    internal int[] WeightOffset { get; }
    internal int[] BiasOffset { get; }
    internal int LayerCount => Outputs.Length;
    internal int ParameterCount { get; }
    internal int MaxWidth { get; }
    internal int ShiftCount => Thetas * InputWidth;

    /// <summary>Multiply-adds per event for one forward pass (the FLOP count is twice this).</summary>
    internal long MultiplyAddsPerEvent()
    {
        long s = (long)Thetas * InputWidth;
        for (int l = 0; l < LayerCount; l++) s += (long)Inputs[l] * Outputs[l];
        return s;
    }

    /// <summary>Copies a network's parameters into a flat vector in this layout.</summary>
    internal static float[] Flatten(TheoryAwareNetwork net, NetworkLayout layout)
    {
        var p = new float[layout.ParameterCount];
        net.Shift.CopyTo(p, 0);
        for (int l = 0; l < layout.LayerCount; l++)
        {
            net.Layers[l].Weights.CopyTo(p, layout.WeightOffset[l]);
            net.Layers[l].Bias.CopyTo(p, layout.BiasOffset[l]);
        }
        return p;
    }

    /// <summary>Builds a network (copying the parameters) from a flat vector and the standardisation.</summary>
    internal TheoryAwareNetwork ToNetwork(ReadOnlySpan<float> p, IReadOnlyList<string> featureNames,
        IReadOnlyList<string> thetaNames, float[] mean, float[] std)
    {
        var layers = new DenseLayer[LayerCount];
        for (int l = 0; l < LayerCount; l++)
            layers[l] = new DenseLayer(Inputs[l], Outputs[l], p.Slice(WeightOffset[l], Outputs[l] * Inputs[l]).ToArray(),
                p.Slice(BiasOffset[l], Outputs[l]).ToArray(), Activations[l], LeakySlopes[l]);
        return new TheoryAwareNetwork(featureNames, thetaNames, (float[])mean.Clone(), (float[])std.Clone(),
            p[..ShiftCount].ToArray(), layers);
    }
}
