namespace SbiFit.Inference.Minimisation;

/// <summary>
/// Maps Minuit's internal (unbounded) coordinates of the free parameters to external ones: double limits through
/// ext = lo + (hi - lo)(sin u + 1)/2, a single lower limit through ext = lo - 1 + sqrt(u^2 + 1), a single upper limit
/// through ext = hi + 1 - sqrt(u^2 + 1). Fixed parameters are not part of the internal vector.
/// </summary>
internal sealed class ParameterMap
{
    private readonly Parameter[] _parameters;
    private readonly double[] _base;

    public ParameterMap(IReadOnlyList<Parameter> parameters)
    {
        _parameters = parameters.ToArray();
        _base = _parameters.Select(p => p.Value).ToArray();
        Free = Enumerable.Range(0, _parameters.Length).Where(i => !_parameters[i].Fixed).ToArray();
    }

    /// <summary>External index of each internal coordinate.</summary>
    public int[] Free { get; }

    public int ExternalCount => _parameters.Length;
    public int InternalCount => Free.Length;

    /// <summary>The parameter behind internal coordinate <paramref name="i"/>.</summary>
    public Parameter Of(int i) => _parameters[Free[i]];

    public IReadOnlyList<Parameter> Parameters => _parameters;

    public bool HasLimits(int i) => Of(i).Lower is not null || Of(i).Upper is not null;

    /// <summary>Fills the full external vector (fixed parameters at their values).</summary>
    public void ToExternal(ReadOnlySpan<double> internalValues, Span<double> external)
    {
        _base.CopyTo(external);
        for (int i = 0; i < Free.Length; i++) external[Free[i]] = ToExternal(i, internalValues[i]);
    }

    public double[] ToInternal(IReadOnlyList<double> external)
    {
        var x = new double[Free.Length];
        for (int i = 0; i < Free.Length; i++) x[i] = ToInternal(i, external[Free[i]]);
        return x;
    }

    public double ToExternal(int i, double u)
    {
        var p = Of(i);
        return (p.Lower, p.Upper) switch
        {
            ({ } lo, { } hi) => lo + 0.5 * (hi - lo) * (Math.Sin(u) + 1.0),
            ({ } lo, null) => lo - 1.0 + Math.Sqrt(u * u + 1.0),
            (null, { } hi) => hi + 1.0 - Math.Sqrt(u * u + 1.0),
            _ => u,
        };
    }

    public double ToInternal(int i, double v)
    {
        var p = Of(i);
        switch (p.Lower, p.Upper)
        {
            case ({ } lo, { } hi):
                {
                    double limit = 0.5 * Math.PI - 8.0 * Math.Sqrt(Precision.Eps);
                    double y = 2.0 * (v - lo) / (hi - lo) - 1.0;
                    if (y * y > 1.0 - Precision.Eps2) return y < 0 ? -limit : limit;
                    return Math.Asin(y);
                }
            case ({ } lo, null):
                {
                    double y = v - lo + 1.0;
                    return y * y < 1.0 ? 0.0 : Math.Sqrt(y * y - 1.0);
                }
            case (null, { } hi):
                {
                    double y = hi - v + 1.0;
                    return y * y < 1.0 ? 0.0 : Math.Sqrt(y * y - 1.0);
                }
            default:
                return v;
        }
    }

    /// <summary>d ext / d u.</summary>
    public double Jacobian(int i, double u)
    {
        var p = Of(i);
        return (p.Lower, p.Upper) switch
        {
            ({ } lo, { } hi) => 0.5 * (hi - lo) * Math.Cos(u),
            ({ }, null) => u / Math.Sqrt(u * u + 1.0),
            (null, { }) => -u / Math.Sqrt(u * u + 1.0),
            _ => 1.0,
        };
    }

    /// <summary>d^2 ext / d u^2 (for the analytic Hessian in internal coordinates).</summary>
    public double Curvature(int i, double u)
    {
        var p = Of(i);
        double r = Math.Pow(u * u + 1.0, -1.5);
        return (p.Lower, p.Upper) switch
        {
            ({ } lo, { } hi) => -0.5 * (hi - lo) * Math.Sin(u),
            ({ }, null) => r,
            (null, { }) => -r,
            _ => 0.0,
        };
    }

    /// <summary>External error from an internal one, as Minuit2's Int2extError (mean of the two one-sided images).</summary>
    public double ToExternalError(int i, double u, double internalError)
    {
        if (!HasLimits(i)) return internalError;
        var p = Of(i);
        double ext = ToExternal(i, u);
        double du1 = ToExternal(i, u + internalError) - ext;
        double du2 = ToExternal(i, u - internalError) - ext;
        if (p.Lower is { } lo && p.Upper is { } hi && internalError > 1.0) du1 = hi - lo;
        return 0.5 * (Math.Abs(du1) + Math.Abs(du2));
    }
}
