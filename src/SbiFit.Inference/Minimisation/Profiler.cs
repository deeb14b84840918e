namespace SbiFit.Inference.Minimisation;

/// <summary>
/// Profile-likelihood machinery behind MINOS, profiles and contours: f minimised (MIGRAD) over the other parameters
/// with some parameters fixed, started from the linear prediction of the covariance; crossings of fmin + delta found
/// by secant steps on sqrt(f - fmin), which is linear in the distance for a quadratic profile, kept inside a bracket.
/// </summary>
internal sealed class Profiler
{
    private const int MaxIterations = 30;
    private readonly Minuit _minuit;
    private readonly FitResult _minimum;
    private readonly Parameter[] _best;

    public Profiler(Minuit minuit, FitResult minimum)
    {
        _minuit = minuit;
        _minimum = minimum;
        _best = minuit.Parameters.Select((p, i) => p with
        {
            Value = minimum.Parameters[i].Value,
            Step = minimum.Parameters[i].Error > 0 ? minimum.Parameters[i].Error : p.Step,
        }).ToArray();
    }

    public int ValueCalls { get; private set; }
    public int GradientCalls { get; private set; }

    /// <summary>f minimised over all but the parameters <paramref name="fixedIndices"/> held at <paramref name="fixedValues"/>.</summary>
    public (double Fval, bool Valid) ProfileAt(int[] fixedIndices, double[] fixedValues)
    {
        var cov = _minimum.Covariance;
        var shift = new double[fixedIndices.Length];
        for (int a = 0; a < shift.Length; a++) shift[a] = fixedValues[a] - _best[fixedIndices[a]].Value;
        // Conditional mean of the others given the fixed ones: cov_jF cov_FF^-1 (t - best_F).
        var cff = new double[shift.Length, shift.Length];
        for (int a = 0; a < shift.Length; a++)
            for (int b = 0; b < shift.Length; b++) cff[a, b] = cov[fixedIndices[a], fixedIndices[b]];
        var weights = SymmetricMatrix.Invert(cff) is { } inv ? SymmetricMatrix.Multiply(inv, shift) : new double[shift.Length];
        var pars = new Parameter[_best.Length];
        for (int j = 0; j < pars.Length; j++)
        {
            var p = _best[j];
            int f = Array.IndexOf(fixedIndices, j);
            if (f >= 0)
            {
                if (p.Lower is { } lo && fixedValues[f] < lo || p.Upper is { } hi && fixedValues[f] > hi) return (double.NaN, false);
                pars[j] = p with { Value = fixedValues[f], Fixed = true };
                continue;
            }
            double v = p.Value;
            if (!p.Fixed)
                for (int a = 0; a < shift.Length; a++) v += cov[j, fixedIndices[a]] * weights[a];
            v = Math.Clamp(v, p.Lower ?? double.NegativeInfinity, p.Upper ?? double.PositiveInfinity);
            pars[j] = p with { Value = v };
        }
        var (fcn, outcome) = _minuit.RunMigrad(pars, 0.1 * _minuit.Tolerance);
        ValueCalls += fcn.ValueCalls;
        GradientCalls += fcn.GradientCalls;
        bool valid = outcome.Failure is null && !outcome.CallLimit && !outcome.AboveMaxEdm && double.IsFinite(outcome.State.Fval);
        return (outcome.State.Fval, valid);
    }

    public MinosError Minos(int k)
    {
        int before = ValueCalls + GradientCalls;
        var p = _best[k];
        double err = _minimum.Parameters[k].Error;
        var (lo, loValid, loReason) = Cross(t => ProfileAt([k], [p.Value - t]), err, p.Lower is { } l ? p.Value - l : double.PositiveInfinity, _minuit.ErrorDef);
        var (hi, hiValid, hiReason) = Cross(t => ProfileAt([k], [p.Value + t]), err, p.Upper is { } u ? u - p.Value : double.PositiveInfinity, _minuit.ErrorDef);
        return new MinosError(-lo, hi, loValid, hiValid, loReason, hiReason, ValueCalls + GradientCalls - before);
    }

    public IReadOnlyList<ContourPoint> Contour(int ia, int ib, double delta, int points)
    {
        var cov = _minimum.Covariance;
        double sa = Math.Sqrt(cov[ia, ia]), sb = Math.Sqrt(cov[ib, ib]);
        double rho = sa > 0 && sb > 0 ? Math.Clamp(cov[ia, ib] / (sa * sb), -0.999, 0.999) : 0.0;
        double xa = _best[ia].Value, xb = _best[ib].Value;
        double r0 = Math.Sqrt(delta / _minuit.ErrorDef);
        var result = new ContourPoint[points];
        for (int m = 0; m < points; m++)
        {
            double phi = 2.0 * Math.PI * m / points;
            // Direction through the Cholesky factor of the 2x2 covariance: the error ellipse maps onto the unit circle.
            double da = sa * Math.Cos(phi), db = sb * (rho * Math.Cos(phi) + Math.Sqrt(1 - rho * rho) * Math.Sin(phi));
            double limit = Math.Min(DistanceToLimit(_best[ia], da), DistanceToLimit(_best[ib], db));
            var (r, valid, _) = Cross(t => ProfileAt([ia, ib], [xa + t * da, xb + t * db]), r0, limit, delta);
            result[m] = new ContourPoint(xa + r * da, xb + r * db, valid);
        }
        return result;
    }

    private static double DistanceToLimit(Parameter p, double direction) =>
        direction > 0 && p.Upper is { } hi ? (hi - p.Value) / direction
        : direction < 0 && p.Lower is { } lo ? (lo - p.Value) / direction
        : double.PositiveInfinity;

    /// <summary>
    /// Distance t &gt; 0 where profile(t) = fmin + delta, from a first guess; t is capped at <paramref name="tMax"/>
    /// (a limit): reaching it without crossing is reported invalid.
    /// </summary>
    private (double T, bool Valid, string? Reason) Cross(Func<double, (double Fval, bool Valid)> profile, double guess, double tMax, double delta)
    {
        double fmin = _minimum.Fval, target = Math.Sqrt(delta);
        double tolerance = 1e-3 * delta;
        double lo = 0, hLo = -target, hi = double.NaN, hHi = double.NaN;
        double tPrev = 0, hPrev = -target;
        double t = Math.Min(guess > 0 && double.IsFinite(guess) ? guess : 1.0, tMax);
        for (int iter = 0; iter < MaxIterations; iter++)
        {
            var (f, valid) = profile(t);
            if (!valid) return (t, false, $"profile minimisation failed at distance {t:G4}");
            double g = f - fmin - delta;
            if (f < fmin - tolerance) return (t, false, $"new minimum found ({f:G8} below {fmin:G8})");
            if (Math.Abs(g) < tolerance) return (t, true, null);
            double h = Math.Sqrt(Math.Max(f - fmin, 0)) - target;
            if (h < 0)
            {
                if (t >= tMax) return (t, false, "parameter limit reached before the crossing");
                lo = t; hLo = h;
            }
            else { hi = t; hHi = h; }
            double next = h != hPrev ? t - h * (t - tPrev) / (h - hPrev) : double.NaN;
            bool bracketed = !double.IsNaN(hi);
            if (bracketed && !(next > lo && next < hi)) next = lo - hLo * (hi - lo) / (hHi - hLo); // regula falsi
            if (bracketed && !(next > lo && next < hi)) next = 0.5 * (lo + hi);
            if (!bracketed && !(next > lo)) next = 2.0 * lo;
            if (!bracketed) next = Math.Min(next, 10.0 * Math.Max(t, 1e-300));
            next = Math.Min(next, tMax);
            tPrev = t; hPrev = h; t = next;
        }
        return (t, false, "crossing not found within the iteration limit");
    }
}
