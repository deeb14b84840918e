using SbiFit.Inference.Likelihood;
using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Inference.Templates;

/// <summary>Options of the binned likelihood.</summary>
/// <param name="BarlowBeestonLite">Profile one MC-stat factor γ_b per bin (pyhf staterror, Gaussian constraint of width δ_b).</param>
/// <param name="NormUncertainty">Null: no normalisation parameter. Finite σ: parameter <c>mu_norm</c> with constraint
/// (μ−1)²/(2σ²). +∞: free (unconstrained) normalisation.</param>
public sealed record BinnedLikelihoodOptions(bool BarlowBeestonLite = false, double? NormUncertainty = null);

/// <summary>
/// Extended binned Poisson NLL in saturated form, Σ_b [ν_b − n_b + n_b ln(n_b/ν_b)] (0 at perfect agreement; n_b = 0
/// contributes ν_b), over the WC parameters of a <see cref="WilsonParameterMap"/> plus optional <c>mu_norm</c> (last).
/// ν_b = μ·γ_b·a(c)·T_b. With Barlow-Beeston-lite the γ_b are profiled in closed form (root of
/// γ² + (νδ²−1)γ − nδ² = 0) and add (γ_b−1)²/(2δ_b²); by the envelope theorem they drop out of the gradient.
/// A bin with ν_b ≤ <see cref="ExpectationFloor"/> and n_b &gt; 0 uses the floor inside the logarithm: a large finite
/// penalty ≈ n_b·690, never NaN or ∞. Value and gradient are thread-safe (no shared scratch).
/// </summary>
public sealed class BinnedPoissonLikelihood : IObjective
{
    /// <summary>Smallest expectation used inside the logarithm.</summary>
    public const double ExpectationFloor = 1e-300;

    /// <summary>Name of the normalisation parameter.</summary>
    public const string NormName = "mu_norm";

    private const int P = WeightMatrixLayout.PackedLength;
    private readonly TemplateSet _templates;
    private readonly double[] _observed;
    private readonly double[] _delta2;
    private readonly WilsonParameterMap _map;
    private readonly BinnedLikelihoodOptions _options;

    /// <summary>Creates the NLL for observed (possibly non-integer, e.g. Asimov) counts per bin.</summary>
    public BinnedPoissonLikelihood(TemplateSet templates, IReadOnlyList<double> observed, WilsonParameterMap map, BinnedLikelihoodOptions? options = null)
    {
        _templates = templates ?? throw new ArgumentNullException(nameof(templates));
        _map = map ?? throw new ArgumentNullException(nameof(map));
        _options = options ?? new BinnedLikelihoodOptions();
        ArgumentNullException.ThrowIfNull(observed);
        if (observed.Count != templates.Bins)
            throw new TemplateException($"Likelihood: {observed.Count} observed counts for {templates.Bins} template bins.");
        _observed = observed.ToArray();
        for (int b = 0; b < _observed.Length; b++)
            if (!(_observed[b] >= 0) || !double.IsFinite(_observed[b]))
                throw new TemplateException($"Likelihood: observed count in bin {b} is {_observed[b]}, must be finite and >= 0.");
        if (_options.NormUncertainty is { } s && !(s > 0))
            throw new TemplateException($"Likelihood: normalisation uncertainty {s} must be positive (or +inf for a free norm).");
        var rel = templates.RelativeStatError();
        _delta2 = rel.Select(d => _options.BarlowBeestonLite ? d * d : 0.0).ToArray();
        var names = map.Names.ToList();
        if (HasNorm) names.Add(NormName);
        ParameterNames = names;
    }

    /// <summary>Parameter names: the WC parameters, then <c>mu_norm</c> when enabled.</summary>
    public IReadOnlyList<string> ParameterNames { get; }

    private bool HasNorm => _options.NormUncertainty is not null;

    /// <inheritdoc />
    public int Dimension => ParameterNames.Count;

    /// <inheritdoc />
    public bool HasGradient => true;

    /// <summary>Start parameters: WCs at 0 (step 0.05), mu_norm at 1 (step 0.01, lower limit 0).</summary>
    public IReadOnlyList<Parameter> DefaultParameters() => ParameterNames
        .Select(n => n == NormName ? new Parameter(n, 1.0, 0.01, Lower: 0.0) : new Parameter(n, 0.0, 0.05)).ToArray();

    /// <inheritdoc />
    public double Value(ReadOnlySpan<double> p) => Evaluate(p, Span<double>.Empty, null);

    /// <inheritdoc />
    public double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient)
    {
        if (gradient.Length != Dimension) throw new TemplateException($"Likelihood: gradient has length {gradient.Length}, expected {Dimension}.");
        return Evaluate(p, gradient, null);
    }

    /// <summary>The profiled Barlow-Beeston factors γ_b at p (all 1 when BB-lite is off).</summary>
    public double[] ProfiledGammas(ReadOnlySpan<double> p)
    {
        var gammas = new double[_templates.Bins];
        Evaluate(p, Span<double>.Empty, gammas);
        return gammas;
    }

    private double Evaluate(ReadOnlySpan<double> p, Span<double> gradient, double[]? gammasOut)
    {
        if (p.Length != Dimension) throw new TemplateException($"Likelihood: {p.Length} parameter values for {Dimension} parameters ({string.Join(", ", ParameterNames)}).");
        for (int k = 0; k < p.Length; k++)
            if (!double.IsFinite(p[k])) throw new TemplateException($"Likelihood: parameter '{ParameterNames[k]}' is {p[k]}.");
        Span<Complex> c = stackalloc Complex[WeightMatrixLayout.Dim];
        _map.Map(p, c);
        double mu = HasNorm ? p[^1] : 1.0;
        int bins = _templates.Bins;
        var s = new double[bins];
        _templates.ExpectedFromLinearForm(WeightMatrixLayout.LinearForm(c), s);
        bool wantGrad = !gradient.IsEmpty;
        var w = wantGrad ? new double[bins] : null; // ∂NLL/∂ν_b with ν_b = μ s_b

        double sum = 0, comp = 0; // Neumaier summation
        for (int b = 0; b < bins; b++)
        {
            double nu = mu * s[b], n = _observed[b], d2 = _delta2[b];
            double gamma = d2 > 0 ? ProfileGamma(nu, n, d2) : 1.0;
            double t = gamma * nu;
            double term, dTerm;
            if (t > ExpectationFloor) { term = t - n + (n > 0 ? n * Math.Log(n / t) : 0.0); dTerm = 1.0 - n / t; }
            else { term = t - n + (n > 0 ? n * Math.Log(n / ExpectationFloor) : 0.0); dTerm = 1.0; }
            if (d2 > 0) term += (gamma - 1.0) * (gamma - 1.0) / (2.0 * d2);
            if (w is not null) w[b] = gamma * dTerm;
            if (gammasOut is not null) gammasOut[b] = gamma;
            double tsum = sum + term;
            comp += Math.Abs(sum) >= Math.Abs(term) ? (sum - tsum) + term : (term - tsum) + sum;
            sum = tsum;
        }
        double nll = sum + comp;

        if (HasNorm && double.IsFinite(_options.NormUncertainty!.Value))
        {
            double sig = _options.NormUncertainty.Value;
            nll += (mu - 1.0) * (mu - 1.0) / (2.0 * sig * sig);
        }
        if (w is null) return nll;

        Span<double> g = stackalloc double[P];
        _templates.WeightedMatrixSum(w, g);
        Span<Complex> cp = stackalloc Complex[WeightMatrixLayout.Dim];
        Span<Complex> cm = stackalloc Complex[WeightMatrixLayout.Dim];
        for (int k = 0; k < _map.Count; k++)
        {
            // a(c) is quadratic in c, so the central difference with unit step is its exact derivative.
            var (i, im) = _map.Component(k);
            c.CopyTo(cp);
            c.CopyTo(cm);
            var e = im ? Complex.ImaginaryOne : Complex.One;
            cp[i] += e;
            cm[i] -= e;
            var ap = WeightMatrixLayout.LinearForm(cp);
            var am = WeightMatrixLayout.LinearForm(cm);
            double dk = 0;
            for (int j = 0; j < P; j++) dk += 0.5 * (ap[j] - am[j]) * g[j];
            gradient[k] = mu * dk;
        }
        if (HasNorm)
        {
            double dmu = 0;
            for (int b = 0; b < bins; b++) dmu += w[b] * s[b];
            double sig = _options.NormUncertainty!.Value;
            if (double.IsFinite(sig)) dmu += (mu - 1.0) / (sig * sig);
            gradient[^1] = dmu;
        }
        return nll;
    }

    /// <summary>
    /// Minimiser over γ ≥ 0 of γν − n ln(γν) + (γ−1)²/(2δ²): the positive root of γ² + (νδ²−1)γ − nδ² = 0, written
    /// without cancellation for either sign of νδ²−1.
    /// </summary>
    internal static double ProfileGamma(double nu, double n, double delta2)
    {
        double bq = nu * delta2 - 1.0, cq = n * delta2;
        double disc = Math.Sqrt(bq * bq + 4.0 * cq);
        return bq <= 0 ? 0.5 * (disc - bq) : 2.0 * cq / (bq + disc);
    }
}
