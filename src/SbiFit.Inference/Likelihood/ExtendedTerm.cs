namespace SbiFit.Inference.Likelihood;

/// <summary>
/// Extended-likelihood term ν(θ) − N_obs log ν(θ) with the expected yield ν(θ) = N_SM · I(θ)/I(0) taken from the
/// closed-form rate quadratic form of the reference sample (the seed extends the pdf with I(θ)).
/// </summary>
public sealed class ExtendedTerm : INllTerm
{
    private readonly RateQuadraticForm _rate;
    private readonly WilsonParameterMap _map;
    private readonly int[] _paramIndex;
    private readonly double _nSm, _nObs, _i0;

    /// <summary>
    /// Creates the term. <paramref name="paramIndex"/>[k] is the model-parameter index feeding map parameter k.
    /// </summary>
    public ExtendedTerm(RateQuadraticForm rate, WilsonParameterMap map, int[] paramIndex, double nSm, double nObs)
    {
        if (!(nSm > 0) || !double.IsFinite(nSm)) throw new ArgumentException($"Expected SM yield {nSm} must be positive.");
        if (!(nObs >= 0) || !double.IsFinite(nObs)) throw new ArgumentException($"Observed yield {nObs} must be non-negative.");
        if (paramIndex.Length != map.Count) throw new ArgumentException("Parameter index map does not match the WC map.");
        _rate = rate; _map = map; _paramIndex = paramIndex; _nSm = nSm; _nObs = nObs;
        _i0 = rate.Evaluate(map, new double[map.Count]);
        if (!(_i0 > 0)) throw new ArgumentException("The reference rate I(0) is not positive: the sample has no SM weight.");
        Description = $"extended term (N_SM = {nSm:G6}, N_obs = {nObs:G6})";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public bool HasGradient => true;

    /// <summary>Expected yield ν at model parameters p.</summary>
    public double ExpectedYield(ReadOnlySpan<double> p) => _nSm * _rate.Evaluate(_map, Gather(p)) / _i0;

    private double[] Gather(ReadOnlySpan<double> p)
    {
        var q = new double[_paramIndex.Length];
        for (int k = 0; k < q.Length; k++) q[k] = p[_paramIndex[k]];
        return q;
    }

    /// <inheritdoc />
    public double Value(ReadOnlySpan<double> p)
    {
        double nu = ExpectedYield(p);
        return nu <= 0 ? double.PositiveInfinity : nu - _nObs * Math.Log(nu);
    }

    /// <inheritdoc />
    public double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient)
    {
        var q = Gather(p);
        double nu = _nSm * _rate.Evaluate(_map, q) / _i0;
        if (nu <= 0) return double.PositiveInfinity;
        var g = new double[q.Length];
        _rate.Gradient(_map, q, g);
        double f = 1 - _nObs / nu;
        for (int k = 0; k < q.Length; k++) gradient[_paramIndex[k]] += f * _nSm * g[k] / _i0;
        return nu - _nObs * Math.Log(nu);
    }
}
