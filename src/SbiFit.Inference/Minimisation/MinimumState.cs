namespace SbiFit.Inference.Minimisation;

/// <summary>Gradient in internal coordinates with Minuit's per-coordinate second derivative and step sizes.</summary>
internal sealed record GradientInfo(double[] G, double[] G2, double[] Step, bool Analytic);

/// <summary>
/// One point of the minimisation in internal coordinates: parameters, fval, gradient, inverse Hessian V (of f, not
/// scaled by up), EDM and Minuit's covariance-quality measure dcovar (1 after the seed, 0 after a full HESSE).
/// </summary>
internal sealed record MinimumState(double[] X, double Fval, GradientInfo Gradient, double[,] V, double Edm, double Dcovar)
{
    public bool MadePosDef { get; init; }
    public bool HesseFailed { get; init; }

    /// <summary>Why HESSE failed, when it did.</summary>
    public string? FailureReason { get; init; }

    /// <summary>True when V came from a full second-derivative matrix (HESSE or analytic).</summary>
    public bool FromHesse { get; init; }

    public static double EstimateEdm(GradientInfo g, double[,] v) => 0.5 * SymmetricMatrix.Similarity(v, g.G);
}
