namespace SbiFit.Learning;

/// <summary>
/// Validated events for training the theory-aware classifier: raw features [N, n_x], the SM weight w_SM and the NP
/// weight w_NP evaluated at the event's own θ [N, n_θ]. The trainer turns every event into two rows (label 0 with
/// w_SM, label 1 with w_NP), both with the event's θ.
/// </summary>
public sealed class TrainingData
{
    private TrainingData(string[] features, string[] thetas, double[] x, double[] wSm, double[] wNp, double[] theta)
    {
        FeatureNames = features; ThetaNames = thetas; Features = x; WeightSm = wSm; WeightNp = wNp; Theta = theta;
    }

    /// <summary>Feature names, in column order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }
    /// <summary>Theta component names, in column order.</summary>
    public IReadOnlyList<string> ThetaNames { get; }
    /// <summary>Number of events.</summary>
    public int Count => WeightSm.Length;
    internal double[] Features { get; }
    internal double[] WeightSm { get; }
    internal double[] WeightNp { get; }
    internal double[] Theta { get; }

    /// <summary>
    /// Validates and copies the arrays. <paramref name="features"/> is row-major [N, n_x], <paramref name="theta"/>
    /// row-major [N, n_θ], weights [N]. Throws <see cref="TrainingDataException"/> naming the problem.
    /// </summary>
    public static TrainingData Create(IReadOnlyList<string> featureNames, IReadOnlyList<string> thetaNames,
        ReadOnlySpan<double> features, ReadOnlySpan<double> weightSm, ReadOnlySpan<double> weightNp, ReadOnlySpan<double> theta)
    {
        int nx = featureNames.Count, nt = thetaNames.Count, n = weightSm.Length;
        if (nx == 0) throw new TrainingDataException("training data needs at least one feature column.");
        if (n == 0) throw new TrainingDataException("training data is empty (no events).");
        if (weightNp.Length != n)
            throw new TrainingDataException($"w_NP has {weightNp.Length} entries but w_SM has {n}; one of each per event.");
        if (features.Length != (long)n * nx)
            throw new TrainingDataException($"features have {features.Length} values, expected {n} events x {nx} columns.");
        if (theta.Length != (long)n * nt)
            throw new TrainingDataException($"theta has {theta.Length} values, expected {n} events x {nt} components ({string.Join(", ", thetaNames)}).");
        for (int i = 0; i < features.Length; i++)
            if (!double.IsFinite(features[i]))
                throw new TrainingDataException($"feature '{featureNames[i % nx]}' of event {i / nx} is {features[i]} (must be finite).");
        for (int i = 0; i < theta.Length; i++)
            if (!double.IsFinite(theta[i]))
                throw new TrainingDataException($"theta '{thetaNames[i % nt]}' of event {i / nt} is {theta[i]} (must be finite).");
        CheckWeights("w_SM", weightSm);
        CheckWeights("w_NP", weightNp);
        return new TrainingData(featureNames.ToArray(), thetaNames.ToArray(), features.ToArray(), weightSm.ToArray(),
            weightNp.ToArray(), theta.ToArray());
    }

    private static void CheckWeights(string name, ReadOnlySpan<double> w)
    {
        bool anyPositive = false;
        for (int i = 0; i < w.Length; i++)
        {
            if (!double.IsFinite(w[i])) throw new TrainingDataException($"{name} of event {i} is {w[i]} (must be finite).");
            if (w[i] < 0) throw new TrainingDataException($"{name} of event {i} is negative ({w[i]}); weights must be >= 0.");
            anyPositive |= w[i] > 0;
        }
        if (!anyPositive)
            throw new TrainingDataException(name == "w_NP"
                ? "all NP weights (label 1) are zero: nothing to learn the new-physics class from."
                : "all SM weights (label 0) are zero: nothing to learn the Standard-Model class from.");
    }
}
