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

    /// <summary>True when <see cref="ValueAndGradient"/> gives an analytic gradient.</summary>
    bool HasGradient => false;

    /// <summary>f(p) and ∂f/∂p into <paramref name="gradient"/>.</summary>
    double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient) =>
        throw new NotSupportedException("This objective has no analytic gradient.");

    /// <summary>True when <see cref="Hessian"/> is available.</summary>
    bool HasHessian => false;

    /// <summary>Second derivatives, row-major [Dimension, Dimension].</summary>
    void Hessian(ReadOnlySpan<double> p, Span<double> hessian) =>
        throw new NotSupportedException("This objective has no analytic Hessian.");
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
