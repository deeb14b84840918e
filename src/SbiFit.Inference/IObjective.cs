namespace SbiFit.Inference;

/// <summary>
/// A scalar objective f(p) for the minimiser (an NLL, a χ², a test function). Backends that can differentiate
/// report <see cref="HasGradient"/> (and optionally <see cref="HasHessian"/>).
/// </summary>
public interface IObjective
{
    /// <summary>Number of parameters the objective takes (in external, physical units).</summary>
    int Dimension { get; }

    /// <summary>f(p).</summary>
    double Value(ReadOnlySpan<double> p);

    /// <summary>
    /// Absolute precision of <see cref="Value"/>: the scatter of f under changes of p too small to change its true value
    /// (e.g. float32 rounding in a sum over events); 0 (the default) means exact up to double rounding. The minimiser
    /// uses it as MINUIT uses SET EPS: numerical-gradient and HESSE steps large enough that it does not dominate the
    /// differences, no line search where the expected decrease is below it, and EDM below it counts as converged.
    /// </summary>
    double AbsolutePrecision => 0;

    /// <summary>True when <see cref="ValueAndGradient"/> gives an analytic gradient.</summary>
    bool HasGradient => false;

    /// <summary>f(p) and ∂f/∂p into <paramref name="gradient"/>.</summary>
    double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient) =>
        throw new NotSupportedException("This objective has no analytic gradient.");

    /// <summary>True when <see cref="Hessian(ReadOnlySpan{double}, Span{double})"/> is available.</summary>
    bool HasHessian => false;

    /// <summary>Second derivatives, row-major [Dimension, Dimension].</summary>
    void Hessian(ReadOnlySpan<double> p, Span<double> hessian) =>
        throw new NotSupportedException("This objective has no analytic Hessian.");

    /// <summary>
    /// <see cref="Hessian(ReadOnlySpan{double}, Span{double})"/> with the caller's curvature scales s_k ≈ 1/√H_kk
    /// (external units; empty when it has none): an objective whose Hessian is by finite differences of its gradient
    /// may size its steps from them instead of from a pilot pass. The default ignores them.
    /// </summary>
    void Hessian(ReadOnlySpan<double> p, Span<double> hessian, ReadOnlySpan<double> scales) => Hessian(p, hessian);
}

/// <summary>A fit parameter: name, start value, step, optional limits, fixed flag.</summary>
public sealed record Parameter(string Name, double Value, double Step = 0.1, double? Lower = null, double? Upper = null, bool Fixed = false)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the parameter when its settings are inconsistent.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name)) throw new ArgumentException("A parameter needs a name.");
        if (!double.IsFinite(Value)) throw new ArgumentException($"Parameter '{Name}': start value {Value} is not finite.");
        if (!(Step > 0) || !double.IsFinite(Step)) throw new ArgumentException($"Parameter '{Name}': step {Step} must be positive and finite.");
        if (Lower is { } lo && Upper is { } hi && !(lo < hi))
            throw new ArgumentException($"Parameter '{Name}': lower limit {lo} is not below upper limit {hi} (limits inverted or equal).");
        if (Lower is { } l && Value < l) throw new ArgumentException($"Parameter '{Name}': start value {Value} is below the lower limit {l}.");
        if (Upper is { } u && Value > u) throw new ArgumentException($"Parameter '{Name}': start value {Value} is above the upper limit {u}.");
    }
}

/// <summary>
/// An NLL whose learned ratio is normalised numerically over an SM reference sample, whatever backend evaluates it:
/// reports ⟨r⟩_SM, which is 1 for a perfectly trained network (far from 1: a badly trained one).
/// </summary>
public interface ISmNormalisedObjective : IObjective
{
    /// <summary>⟨r⟩ over the SM reference sample at the parameters <paramref name="p"/>; NaN when the NLL is not normalised.</summary>
    double MeanSmRatio(ReadOnlySpan<double> p);
}
