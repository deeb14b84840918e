namespace SbiFit.Inference.Likelihood;

/// <summary>
/// One additive piece of a negative log-likelihood, evaluated on the full parameter vector of the model it belongs to
/// (RooFit-style graph node). Terms report whether they can differentiate themselves.
/// </summary>
public interface INllTerm
{
    /// <summary>Short description for printing, e.g. "learned ratio (1000 events)".</summary>
    string Description { get; }

    /// <summary>Value at p.</summary>
    double Value(ReadOnlySpan<double> p);

    /// <summary>True when <see cref="ValueAndGradient"/> is analytic.</summary>
    bool HasGradient { get; }

    /// <summary>Value and gradient (added into <paramref name="gradient"/>).</summary>
    double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient);
}

/// <summary>
/// A negative log-likelihood built as a sum of terms over named parameters: the model graph that the minimiser sees.
/// It is an <see cref="IObjective"/>; it has an analytic gradient only when every term has one.
/// </summary>
public sealed class NllModel : IObjective
{
    private readonly List<INllTerm> _terms = new();

    /// <summary>Creates an empty model over the given parameters.</summary>
    public NllModel(IReadOnlyList<Parameter> parameters)
    {
        if (parameters.Count == 0) throw new ArgumentException("A likelihood needs at least one parameter.");
        var names = new HashSet<string>();
        foreach (var p in parameters)
        {
            p.Validate();
            if (!names.Add(p.Name)) throw new ArgumentException($"Parameter '{p.Name}' is declared twice.");
        }
        Parameters = parameters.ToArray();
    }

    /// <summary>The parameters, in vector order.</summary>
    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The terms, in evaluation order.</summary>
    public IReadOnlyList<INllTerm> Terms => _terms;

    /// <summary>Index of a parameter by name; throws naming the parameter and listing the known ones.</summary>
    public int IndexOf(string name)
    {
        for (int i = 0; i < Parameters.Count; i++)
            if (Parameters[i].Name == name) return i;
        throw new ArgumentException($"Parameter '{name}' is not in the likelihood (parameters: {string.Join(", ", Parameters.Select(p => p.Name))}).");
    }

    /// <summary>Adds a term and returns this model (fluent).</summary>
    public NllModel Add(INllTerm term)
    {
        _terms.Add(term);
        return this;
    }

    /// <inheritdoc />
    public int Dimension => Parameters.Count;

    /// <inheritdoc />
    public bool HasGradient => _terms.Count > 0 && _terms.All(t => t.HasGradient);

    /// <inheritdoc />
    public double Value(ReadOnlySpan<double> p)
    {
        double sum = 0;
        foreach (var t in _terms) sum += t.Value(p);
        return sum;
    }

    /// <inheritdoc />
    public double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient)
    {
        gradient.Clear();
        double sum = 0;
        foreach (var t in _terms) sum += t.ValueAndGradient(p, gradient);
        return sum;
    }

    /// <summary>The start values of the parameters.</summary>
    public double[] StartValues() => Parameters.Select(p => p.Value).ToArray();
}

/// <summary>A Gaussian constraint ((p − mean)/σ)²/2 on one parameter.</summary>
public sealed class GaussianConstraint : INllTerm
{
    private readonly int _index;
    private readonly double _mean, _sigma;

    /// <summary>Constrains parameter <paramref name="index"/> to mean ± sigma.</summary>
    public GaussianConstraint(int index, double mean, double sigma, string name = "")
    {
        if (!(sigma > 0) || !double.IsFinite(sigma)) throw new ArgumentException($"Constraint on '{name}': sigma {sigma} must be positive.");
        _index = index; _mean = mean; _sigma = sigma;
        Description = $"Gaussian constraint {name} = {mean} ± {sigma}";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public bool HasGradient => true;

    /// <inheritdoc />
    public double Value(ReadOnlySpan<double> p)
    {
        double d = (p[_index] - _mean) / _sigma;
        return 0.5 * d * d;
    }

    /// <inheritdoc />
    public double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient)
    {
        double d = (p[_index] - _mean) / _sigma;
        gradient[_index] += d / _sigma;
        return 0.5 * d * d;
    }
}
