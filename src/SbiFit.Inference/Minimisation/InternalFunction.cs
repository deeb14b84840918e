namespace SbiFit.Inference.Minimisation;

/// <summary>
/// The objective seen in internal coordinates: maps to external values, counts value and gradient calls, applies the
/// chain rule to analytic gradients and Hessians.
/// </summary>
internal sealed class InternalFunction
{
    private readonly double[] _external;
    private readonly double[] _externalGradient;

    public InternalFunction(IObjective objective, ParameterMap map, double up, bool useGradient, bool useHessian)
    {
        Objective = objective;
        Map = map;
        Up = up;
        UseGradient = useGradient && objective.HasGradient;
        UseHessian = useHessian && objective.HasHessian;
        double noise = objective.AbsolutePrecision;
        Noise = double.IsFinite(noise) && noise > 0 ? noise : 0;
        _external = new double[map.ExternalCount];
        _externalGradient = new double[map.ExternalCount];
    }

    public IObjective Objective { get; }
    public ParameterMap Map { get; }
    public double Up { get; }
    public bool UseGradient { get; }
    public bool UseHessian { get; }
    public int N => Map.InternalCount;

    /// <summary>The objective's declared absolute precision of f (0: exact to double rounding).</summary>
    public double Noise { get; }

    public int ValueCalls { get; private set; }
    public int GradientCalls { get; private set; }

    /// <summary>Calls counted against the call limit (value and gradient evaluations).</summary>
    public int Calls => ValueCalls + GradientCalls;

    public double Value(ReadOnlySpan<double> x)
    {
        Map.ToExternal(x, _external);
        ValueCalls++;
        return Objective.Value(_external);
    }

    public double ValueAndGradient(ReadOnlySpan<double> x, Span<double> gradient)
    {
        Map.ToExternal(x, _external);
        GradientCalls++;
        double f = Objective.ValueAndGradient(_external, _externalGradient);
        for (int i = 0; i < N; i++) gradient[i] = _externalGradient[Map.Free[i]] * Map.Jacobian(i, x[i]);
        return f;
    }

    /// <summary>
    /// Analytic Hessian in internal coordinates: J H J + diag(g_ext * d^2ext/du^2). <paramref name="internalGradient"/>
    /// supplies g_ext through g_int / J where no analytic gradient exists; <paramref name="internalG2"/> (the previous
    /// second derivatives, when known) gives the objective curvature scales for a difference Hessian.
    /// </summary>
    public double[,] InternalHessian(ReadOnlySpan<double> x, ReadOnlySpan<double> internalGradient, ReadOnlySpan<double> internalG2 = default)
    {
        int n = N, m = Map.ExternalCount;
        Map.ToExternal(x, _external);
        var full = new double[m * m];
        // Curvature scales 1/√H_kk in external units from the previous internal second derivatives, where all known.
        double[] scales = [];
        if (internalG2.Length == n && n > 0)
        {
            scales = new double[m];
            for (int i = 0; i < n; i++)
            {
                double s = Math.Abs(Map.Jacobian(i, x[i])) / Math.Sqrt(internalG2[i]);
                if (!(s > 0) || !double.IsFinite(s)) { scales = []; break; }
                scales[Map.Free[i]] = s;
            }
            if (scales.Length == m && Map.Free.Length < m) scales = []; // fixed parameters: no scale for them
        }
        Objective.Hessian(_external, full, scales);
        var h = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            double ji = Map.Jacobian(i, x[i]);
            for (int j = 0; j < n; j++) h[i, j] = ji * full[Map.Free[i] * m + Map.Free[j]] * Map.Jacobian(j, x[j]);
            double curvature = Map.Curvature(i, x[i]);
            if (curvature != 0 && ji != 0) h[i, i] += internalGradient[i] / ji * curvature;
        }
        SymmetricMatrix.Symmetrise(h);
        return h;
    }
}
