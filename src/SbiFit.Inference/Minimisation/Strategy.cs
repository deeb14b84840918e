namespace SbiFit.Inference.Minimisation;

/// <summary>Minuit2's MnStrategy tuning: gradient and HESSE cycles and tolerances for strategy 0, 1 or 2.</summary>
internal readonly record struct Strategy(int Level, int GradCycles, double GradStepTol, double GradTol,
    int HessCycles, double HessStepTol, double HessG2Tol, int HessGradCycles)
{
    public static Strategy Of(int level) => level switch
    {
        0 => new Strategy(0, 2, 0.5, 0.1, 3, 0.5, 0.1, 1),
        1 => new Strategy(1, 3, 0.3, 0.05, 5, 0.3, 0.05, 2),
        2 => new Strategy(2, 5, 0.1, 0.02, 7, 0.1, 0.02, 6),
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Minuit strategy must be 0, 1 or 2."),
    };
}

/// <summary>Machine precision as Minuit2's MnMachinePrecision computes it (eps = 8 x unit roundoff, eps2 = 2 sqrt(eps)).</summary>
internal static class Precision
{
    public static readonly double Eps = 8.0 * Math.Pow(2, -53);
    public static readonly double Eps2 = 2.0 * Math.Sqrt(Eps);

    /// <summary>
    /// Numerical-gradient steps change f by at least this multiple of the objective's declared precision δ: the central
    /// difference then carries a gradient error δ/h that adds at most ~δ/256 to the EDM.
    /// </summary>
    public const double GradientNoiseMultiple = 64;

    /// <summary>HESSE's sagitta is at least this multiple of δ: the second derivatives carry a relative error below 1%.</summary>
    public const double HesseNoiseMultiple = 256;

    /// <summary>
    /// Below this multiple of δ an expected decrease cannot be seen in function values: MIGRAD takes the full
    /// quasi-Newton step without a line search, and an EDM it cannot lower further counts as converged.
    /// </summary>
    public const double LineSearchNoiseMultiple = 4;
}
