using SbiFit.Inference;
using SbiFit.Inference.Likelihood;

namespace SbiFit.Codegen.Backends;

/// <summary>Gaussian constraint (p − mean)²/(2σ²) on the fit parameter named <paramref name="Parameter"/>.</summary>
public sealed record ParameterConstraint(string Parameter, double Mean, double Sigma);

/// <summary>
/// Everything an SBI NLL needs besides the model: NLL(p) = −Σ w_i [logit(x_i, θ(p)) − logit(x_i, 0)]
/// + ν(p) − N_obs ln ν(p) + constraints, with ν = N_SM · I(p)/I(0), N_obs = Σ w_i and θ(p) the network inputs.
/// </summary>
public sealed record SbiLikelihoodInput
{
    /// <summary>Fit parameters (POIs) in fit-vector order, with start values, steps and limits.</summary>
    public required IReadOnlyList<Parameter> Parameters { get; init; }
    /// <summary>
    /// One entry per network theta input: the name of the fit parameter feeding it, or null to hold it at zero
    /// (e.g. the fixture's <c>theta0</c> → <c>"V_R"</c>).
    /// </summary>
    public required IReadOnlyList<string?> ThetaParameters { get; init; }
    /// <summary>Raw event features, row-major [events, n_x] in the model's feature order.</summary>
    public required float[] Features { get; init; }
    /// <summary>Per-event weights (1 for data).</summary>
    public required double[] Weights { get; init; }
    /// <summary>Reference rate form I(c) of the extended term; null switches the extended term off.</summary>
    public RateQuadraticForm? Rate { get; init; }
    /// <summary>
    /// Fit parameters the rate form depends on, as Wilson-coefficient names (see <see cref="WilsonParameterMap"/>);
    /// null means every fit parameter.
    /// </summary>
    public IReadOnlyList<string>? RateParameters { get; init; }
    /// <summary>Expected SM yield N_SM (required with <see cref="Rate"/>).</summary>
    public double StandardModelYield { get; init; }
    /// <summary>Gaussian constraints on fit parameters.</summary>
    public IReadOnlyList<ParameterConstraint> Constraints { get; init; } = [];
    /// <summary>
    /// Raw features [M, n_x] of an SM reference sample (same feature order as <see cref="Features"/>): when set, the
    /// learned ratio is normalised numerically, NLL += Σw · log ⟨r⟩_SM(θ), by every backend.
    /// </summary>
    public float[]? SmReferenceFeatures { get; init; }

    /// <summary>Index of a fit parameter by name; throws naming it and listing the known ones.</summary>
    public int IndexOf(string name)
    {
        for (int i = 0; i < Parameters.Count; i++) if (Parameters[i].Name == name) return i;
        throw new ArgumentException($"'{name}' is not a fit parameter (parameters: {string.Join(", ", Parameters.Select(p => p.Name))}).");
    }

    /// <summary>Fit-parameter index feeding each network theta input (−1: held at zero).</summary>
    internal int[] ThetaToParameter(int thetaCount)
    {
        if (ThetaParameters.Count != thetaCount)
            throw new ArgumentException($"the network has {thetaCount} theta input(s) but {ThetaParameters.Count} theta mapping(s) were given.");
        return ThetaParameters.Select(n => n is null ? -1 : IndexOf(n)).ToArray();
    }

    /// <summary>The Wilson map of the rate form and, per map entry, the fit-parameter index.</summary>
    internal (WilsonParameterMap Map, int[] ParamIndex) RateMap()
    {
        var names = RateParameters ?? Parameters.Select(p => p.Name).ToArray();
        return (new WilsonParameterMap(names), names.Select(IndexOf).ToArray());
    }

    /// <summary>Checks sizes and values; messages name the offending input.</summary>
    internal void Validate(int featureCount)
    {
        if (Parameters.Count == 0) throw new ArgumentException("the likelihood needs at least one fit parameter.");
        if (Weights.Length == 0) throw new ArgumentException("the dataset is empty: no events to fit.");
        if (Features.Length != (long)Weights.Length * featureCount)
            throw new ArgumentException($"features have {Features.Length} values, expected {Weights.Length} events x {featureCount} features.");
        if (Rate is not null && !(StandardModelYield > 0 && double.IsFinite(StandardModelYield)))
            throw new ArgumentException($"the extended term needs a positive SM yield N_SM, got {StandardModelYield}.");
        if (SmReferenceFeatures is { } sm && (sm.Length == 0 || sm.Length % featureCount != 0))
            throw new ArgumentException($"the SM reference sample has {sm.Length} feature values: it is empty or not a multiple of the {featureCount} features.");
        foreach (var c in Constraints)
        {
            IndexOf(c.Parameter);
            if (!(c.Sigma > 0) || !double.IsFinite(c.Sigma)) throw new ArgumentException($"constraint on '{c.Parameter}': sigma {c.Sigma} must be positive.");
        }
    }
}
