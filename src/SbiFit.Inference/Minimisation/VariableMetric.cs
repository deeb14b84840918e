namespace SbiFit.Inference.Minimisation;

/// <summary>How a MIGRAD run ended.</summary>
internal sealed record MigradOutcome(MinimumState State, bool CallLimit, bool AboveMaxEdm, string? Failure);

/// <summary>
/// Minuit2's VariableMetricBuilder: seed (numerical gradient, diagonal inverse Hessian from g2), quasi-Newton steps
/// with MnLineSearch, Davidon inverse-Hessian updates, EDM = g^T V g / 2 convergence, and a full HESSE to verify
/// (strategy 2, strategy 1 with a poor covariance estimate, or a failed convergence) followed by more iterations.
/// For an objective with a declared precision δ of f (<see cref="IObjective.AbsolutePrecision"/>), a step whose
/// expected decrease is below 4δ is taken in full without a line search (values cannot resolve it; the gradient can),
/// and when such a step no longer lowers the EDM the minimum counts as converged at the precision floor, as MINUIT
/// treats "machine accuracy limits further improvement".
/// </summary>
internal static class VariableMetric
{
    private const int MaxPasses = 5;

    public static MigradOutcome Minimise(InternalFunction fcn, double[] x0, Strategy s, double edmGoal, int maxCalls)
    {
        var st = Seed(fcn, x0, s, maxCalls);
        if (!double.IsFinite(st.Fval)) return new MigradOutcome(st, false, false, "function value is not finite at the start point");
        if (fcn.N == 0) return new MigradOutcome(st, false, false, null);
        string? failure = null;
        bool aboveMaxEdm = false;
        double edm = st.Edm;
        for (int pass = 0; pass < MaxPasses; pass++)
        {
            bool floor;
            (st, edm, failure, aboveMaxEdm, floor) = Iterate(fcn, st, s, edmGoal, maxCalls);
            if (failure is not null || fcn.Calls >= maxCalls) break;
            bool verify = s.Level == 2 || (s.Level == 1 && st.Dcovar > 0.05) || aboveMaxEdm;
            if (!verify) break;
            var hesse = HesseCalculator.Compute(fcn, st.X, s, Math.Max(maxCalls - fcn.Calls, 1), st.Gradient);
            if (hesse.HesseFailed) { st = st with { HesseFailed = true, FailureReason = hesse.FailureReason }; break; }
            st = hesse with { Fval = st.Fval };
            edm = st.Edm;
            // MINUIT's "machine accuracy limits further improvement", and its analogue for a declared precision of f:
            // after a precision floor, an EDM below 4δ is as converged as the function allows.
            double noiseLimit = floor ? Precision.LineSearchNoiseMultiple * fcn.Noise : 0;
            aboveMaxEdm = edm > 10 * edmGoal && edm >= noiseLimit;
            double machineLimit = Math.Max(Math.Abs(Precision.Eps2 * st.Fval), noiseLimit);
            if (!(edm > edmGoal && edm >= machineLimit)) break;
        }
        bool callLimit = fcn.Calls >= maxCalls && edm > edmGoal;
        return new MigradOutcome(st, callLimit, aboveMaxEdm && !callLimit, failure);
    }

    /// <summary>MnSeedGenerator: gradient with g2 and a diagonal V = 1/g2 (a full HESSE for strategy 2).</summary>
    public static MinimumState Seed(InternalFunction fcn, double[] x0, Strategy s, int maxCalls)
    {
        int n = fcn.N;
        if (fcn.UseHessian && n > 0) return HesseCalculator.Compute(fcn, x0, s, maxCalls, null);
        double f0 = fcn.Value(x0);
        var gradient = GradientCalculator.Initial(fcn, x0);
        if (double.IsFinite(f0) && n > 0)
        {
            gradient = GradientCalculator.Numerical(fcn, x0, f0, gradient, s.GradCycles, s.GradStepTol, s.GradTol);
            if (fcn.UseGradient) gradient = GradientCalculator.Compute(fcn, x0, f0, gradient, s);
        }
        var v = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            double g2 = gradient.G2[i];
            v[i, i] = Math.Abs(g2) > Precision.Eps2 ? 1.0 / Math.Abs(g2) : 1.0; // |g2|: walk downhill where f is concave
        }
        var seed = new MinimumState(x0, f0, gradient, v, MinimumState.EstimateEdm(gradient, v), 1.0);
        if (s.Level == 2 && n > 0 && double.IsFinite(f0))
        {
            var hesse = HesseCalculator.Compute(fcn, x0, s, maxCalls, gradient);
            if (!hesse.HesseFailed) return hesse;
        }
        return seed;
    }

    private static (MinimumState State, double Edm, string? Failure, bool AboveMaxEdm, bool Floor) Iterate(
        InternalFunction fcn, MinimumState st, Strategy s, double edmGoal, int maxCalls)
    {
        double edm = st.Edm;
        double noiseDecrease = Precision.LineSearchNoiseMultiple * fcn.Noise;
        bool floor = false;
        do
        {
            var step = SymmetricMatrix.Multiply(st.V, st.Gradient.G);
            for (int i = 0; i < step.Length; i++) step[i] = -step[i];
            double gdel = SymmetricMatrix.Dot(step, st.Gradient.G);
            if (gdel > 0)
            {
                st = WithPositiveDefiniteV(st);
                step = SymmetricMatrix.Multiply(st.V, st.Gradient.G);
                for (int i = 0; i < step.Length; i++) step[i] = -step[i];
                gdel = SymmetricMatrix.Dot(step, st.Gradient.G);
                if (gdel > 0) return (st, edm, "no downhill direction (covariance not positive definite)", false, false);
            }
            var x = new double[step.Length];
            for (int i = 0; i < x.Length; i++) x[i] = st.X[i] + step[i];
            double lambda = 1, fnew = double.NaN;
            // The expected decrease -gdel/2 is below the precision of f: function values cannot place the minimum along
            // the step, so take the full quasi-Newton step (unless f rises by clearly more than the noise).
            bool belowNoise = -0.5 * gdel < noiseDecrease;
            if (belowNoise)
            {
                fnew = fcn.Value(x);
                if (!(fnew <= st.Fval + 2 * noiseDecrease)) belowNoise = false;
            }
            if (!belowNoise)
            {
                (lambda, fnew) = LineSearch.Search(fcn, st.X, st.Fval, step, gdel);
                if (double.IsNegativeInfinity(fnew) || double.IsNaN(fnew))
                    return (st, edm, "function value diverged to -infinity (unbounded below?)", false, false);
                if (Math.Abs(fnew - st.Fval) <= Math.Abs(st.Fval) * Precision.Eps) break; // no improvement
                for (int i = 0; i < x.Length; i++) x[i] = st.X[i] + lambda * step[i];
            }
            var g = GradientCalculator.Compute(fcn, x, fnew, st.Gradient, s);
            edm = MinimumState.EstimateEdm(g, st.V);
            if (double.IsNaN(edm)) return (st, edm, "EDM is NaN (gradient not finite)", false, false);
            if (belowNoise && !(edm < st.Edm))
            {
                // The gradient no longer improves within the precision of f: as far as it can resolve, this is the minimum.
                edm = st.Edm;
                floor = true;
                break;
            }
            if (edm < 0)
            {
                st = WithPositiveDefiniteV(st);
                edm = MinimumState.EstimateEdm(g, st.V);
                if (edm < 0) return (st, edm, "EDM negative (covariance not positive definite)", false, false);
            }
            var (v, dcovar) = DavidonUpdate(st, x, g);
            st = new MinimumState(x, fnew, g, v, edm, dcovar);
            edm *= 1.0 + 3.0 * dcovar;
        } while (edm > edmGoal && fcn.Calls < maxCalls);

        bool above = !floor && edm > edmGoal && edm >= Math.Abs(Precision.Eps2 * st.Fval) && edm >= 10 * edmGoal;
        return (st, edm, null, above, floor);
    }

    private static MinimumState WithPositiveDefiniteV(MinimumState st)
    {
        var v = SymmetricMatrix.Copy(st.V);
        bool changed = SymmetricMatrix.MakePositiveDefinite(v);
        return st with { V = v, MadePosDef = st.MadePosDef || changed };
    }

    /// <summary>Minuit2's DavidonErrorUpdator (rank-two update, rank-one correction when dx.dg exceeds dg.V.dg).</summary>
    private static (double[,] V, double Dcovar) DavidonUpdate(MinimumState s0, double[] x1, GradientInfo g1)
    {
        int n = x1.Length;
        var dx = new double[n]; var dg = new double[n];
        for (int i = 0; i < n; i++) { dx[i] = x1[i] - s0.X[i]; dg[i] = g1.G[i] - s0.Gradient.G[i]; }
        double delgam = SymmetricMatrix.Dot(dx, dg);
        double gvg = SymmetricMatrix.Similarity(s0.V, dg);
        if (delgam == 0 || gvg <= 0 || !double.IsFinite(delgam) || !double.IsFinite(gvg)) return (s0.V, s0.Dcovar);
        var vg = SymmetricMatrix.Multiply(s0.V, dg);
        var v = new double[n, n];
        double sumUpdate = 0, sumNew = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double upd = dx[i] * dx[j] / delgam - vg[i] * vg[j] / gvg;
                if (delgam > gvg)
                    upd += gvg * (dx[i] / delgam - vg[i] / gvg) * (dx[j] / delgam - vg[j] / gvg);
                sumUpdate += Math.Abs(upd);
                v[i, j] = s0.V[i, j] + upd;
                sumNew += Math.Abs(v[i, j]);
            }
        return (v, 0.5 * (s0.Dcovar + sumUpdate / sumNew));
    }
}
