namespace SbiFit.Inference.Minimisation;

/// <summary>
/// Minuit2's MnHesse: diagonal second derivatives with iteratively refined steps (aiming at a fixed sagitta), forward
/// differences for the off-diagonals, MnPosDef, inversion. Uses the analytic Hessian when the objective has one. With a
/// declared precision δ of f the aimed sagitta is at least <see cref="Precision.HesseNoiseMultiple"/>·δ.
/// </summary>
internal static class HesseCalculator
{
    public static MinimumState Compute(InternalFunction fcn, double[] xIn, Strategy s, int maxCalls, GradientInfo? previous)
    {
        int n = fcn.N;
        var x = (double[])xIn.Clone();
        double amin = fcn.Value(x);
        if (fcn.UseHessian) return FromAnalytic(fcn, x, amin, s, previous ?? GradientCalculator.Initial(fcn, x));
        // MnHesse starts from the numerical gradient's g2 and steps; compute them when the last gradient was analytic.
        var seedGradient = previous is { Analytic: false } && previous.G2.All(v => v != 0)
            ? previous
            : GradientCalculator.Numerical(fcn, x, amin, GradientCalculator.Initial(fcn, x), s.GradCycles, s.GradStepTol, s.GradTol);

        double eps2 = Precision.Eps2;
        double aimsag = Math.Max(Math.Sqrt(eps2) * (Math.Abs(amin) + fcn.Up), Precision.HesseNoiseMultiple * fcn.Noise);
        double minsag = Math.Max(eps2, 4 * fcn.Noise); // a sagitta within the noise is no evidence of curvature
        var g2 = (double[])seedGradient.G2.Clone();
        var gst = (double[])seedGradient.Step.Clone();
        var grd = (double[])seedGradient.G.Clone();
        var dirin = (double[])seedGradient.Step.Clone();
        var yy = new double[n];
        var h = new double[n, n];
        int callBudget = fcn.Calls + (maxCalls > 0 ? maxCalls : 200 + 100 * n + 5 * n * n);
        for (int i = 0; i < n; i++)
        {
            double xtf = x[i];
            double dmin = 8.0 * eps2 * (Math.Abs(xtf) + eps2);
            double d = Math.Max(Math.Abs(gst[i]), dmin);
            for (int cycle = 0; cycle < s.HessCycles; cycle++)
            {
                double sag = 0, fs1 = 0, fs2 = 0;
                bool found = false;
                for (int multiply = 0; multiply < 5; multiply++)
                {
                    x[i] = xtf + d; fs1 = fcn.Value(x);
                    x[i] = xtf - d; fs2 = fcn.Value(x);
                    x[i] = xtf;
                    sag = 0.5 * (fs1 + fs2 - 2.0 * amin);
                    if (sag > minsag) { found = true; break; }
                    if (fcn.Map.HasLimits(i))
                    {
                        if (d > 0.5) break;
                        d = Math.Min(10.0 * d, 0.51);
                        continue;
                    }
                    d *= 10.0;
                }
                if (!found) return Failed(fcn, x, amin, seedGradient, g2, $"second derivative zero or negative for '{fcn.Map.Of(i).Name}'");
                double g2before = g2[i];
                g2[i] = 2.0 * sag / (d * d);
                grd[i] = (fs1 - fs2) / (2.0 * d);
                gst[i] = d; dirin[i] = d; yy[i] = fs1;
                double dlast = d;
                d = Math.Sqrt(2.0 * aimsag / Math.Abs(g2[i]));
                if (fcn.Map.HasLimits(i)) d = Math.Min(0.5, d);
                if (d < dmin) d = dmin;
                if (Math.Abs((d - dlast) / d) < s.HessStepTol) break;
                if (Math.Abs((g2[i] - g2before) / g2[i]) < s.HessG2Tol) break;
                d = Math.Clamp(d, 0.1 * dlast, 10.0 * dlast);
            }
            h[i, i] = g2[i];
            if (fcn.Calls > callBudget) return Failed(fcn, x, amin, seedGradient, g2, "call limit reached in HESSE");
        }

        var gradient = new GradientInfo(grd, g2, gst, false);
        if (fcn.UseGradient) gradient = GradientCalculator.Compute(fcn, x, amin, gradient, s);
        else if (s.Level > 0) gradient = GradientCalculator.Numerical(fcn, x, amin, gradient, s.HessGradCycles, s.GradStepTol, s.GradTol);

        for (int i = 0; i < n; i++)
        {
            x[i] += dirin[i];
            for (int j = i + 1; j < n; j++)
            {
                x[j] += dirin[j];
                double fs1 = fcn.Value(x);
                h[i, j] = h[j, i] = (fs1 + amin - yy[i] - yy[j]) / (dirin[i] * dirin[j]);
                x[j] -= dirin[j];
            }
            x[i] -= dirin[i];
        }
        return Finish(fcn, x, amin, gradient, h);
    }

    private static MinimumState FromAnalytic(InternalFunction fcn, double[] x, double amin, Strategy s, GradientInfo seed)
    {
        var gradient = fcn.UseGradient
            ? GradientCalculator.Compute(fcn, x, amin, seed, s)
            : GradientCalculator.Numerical(fcn, x, amin, seed, s.GradCycles, s.GradStepTol, s.GradTol);
        var h = fcn.InternalHessian(x, gradient.G, seed.G2);
        var g2 = new double[fcn.N];
        for (int i = 0; i < g2.Length; i++) g2[i] = h[i, i];
        return Finish(fcn, x, amin, gradient with { G2 = g2 }, h);
    }

    /// <summary>Positive-definiteness check (MnPosDef) and inversion into the state's V.</summary>
    private static MinimumState Finish(InternalFunction fcn, double[] x, double amin, GradientInfo gradient, double[,] h)
    {
        bool madePosDef = SymmetricMatrix.MakePositiveDefinite(h);
        var v = SymmetricMatrix.Invert(h);
        if (v is null) return Failed(fcn, x, amin, gradient, gradient.G2, "matrix inversion failed");
        return new MinimumState(x, amin, gradient, v, MinimumState.EstimateEdm(gradient, v), 0.0)
        {
            MadePosDef = madePosDef,
            FromHesse = true,
        };
    }

    /// <summary>As Minuit2 when HESSE fails: a diagonal V from the best available second derivatives.</summary>
    private static MinimumState Failed(InternalFunction fcn, double[] x, double amin, GradientInfo gradient, double[] g2, string reason)
    {
        int n = fcn.N;
        var v = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            double tmp = g2[j] < Precision.Eps2 ? 1.0 : 1.0 / g2[j];
            v[j, j] = tmp < Precision.Eps2 ? 1.0 : tmp;
        }
        return new MinimumState(x, amin, gradient, v, MinimumState.EstimateEdm(gradient, v), 1.0)
        {
            HesseFailed = true,
            FailureReason = reason,
        };
    }
}
