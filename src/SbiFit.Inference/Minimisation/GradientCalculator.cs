namespace SbiFit.Inference.Minimisation;

/// <summary>
/// Minuit2's gradients: InitialGradientCalculator (from the user steps) and Numerical2PDerivative (two-point central
/// differences whose step is adapted to the second derivative, cycling until step and gradient settle). The smallest
/// f difference a step aims at is MINUIT's 8·eps2·(|f| + up), or a multiple of the objective's declared precision.
/// </summary>
internal static class GradientCalculator
{
    /// <summary>First guess of gradient, g2 and step from the user step sizes (no function calls).</summary>
    public static GradientInfo Initial(InternalFunction fcn, double[] x)
    {
        int n = fcn.N;
        var g = new double[n]; var g2 = new double[n]; var step = new double[n];
        double eps2 = Precision.Eps2;
        for (int i = 0; i < n; i++)
        {
            var p = fcn.Map.Of(i);
            double ext = fcn.Map.ToExternal(i, x[i]);
            double up = ext + p.Step, down = ext - p.Step;
            if (p.Upper is { } hi && up > hi) up = hi;
            if (p.Lower is { } lo && down < lo) down = lo;
            double vplu = fcn.Map.ToInternal(i, up) - x[i];
            double vmin = fcn.Map.ToInternal(i, down) - x[i];
            double gsmin = 8.0 * eps2 * (Math.Abs(x[i]) + eps2);
            double dirin = Math.Max(0.5 * (Math.Abs(vplu) + Math.Abs(vmin)), gsmin);
            g2[i] = 2.0 * fcn.Up / (dirin * dirin);
            step[i] = Math.Max(gsmin, 0.1 * dirin);
            g[i] = g2[i] * dirin;
            if (fcn.Map.HasLimits(i) && step[i] > 0.5) step[i] = 0.5;
        }
        return new GradientInfo(g, g2, step, false);
    }

    /// <summary>Gradient at x (f(x) = fval): analytic when available (keeping g2 and steps), otherwise numerical.</summary>
    public static GradientInfo Compute(InternalFunction fcn, double[] x, double fval, GradientInfo previous, Strategy s)
    {
        if (!fcn.UseGradient) return Numerical(fcn, x, fval, previous, s.GradCycles, s.GradStepTol, s.GradTol);
        var g = new double[fcn.N];
        fcn.ValueAndGradient(x, g);
        return new GradientInfo(g, (double[])previous.G2.Clone(), (double[])previous.Step.Clone(), true);
    }

    public static GradientInfo Numerical(InternalFunction fcn, double[] x, double fval, GradientInfo previous,
        int cycles, double stepTolerance, double gradTolerance)
    {
        int n = fcn.N;
        var grd = (double[])previous.G.Clone();
        var g2 = (double[])previous.G2.Clone();
        var gstep = (double[])previous.Step.Clone();
        var xx = (double[])x.Clone();
        double eps = Precision.Eps, eps2 = Precision.Eps2;
        double dfmin = Math.Max(8.0 * eps2 * (Math.Abs(fval) + fcn.Up), Precision.GradientNoiseMultiple * fcn.Noise);
        double vrysml = 8.0 * eps * eps;
        for (int i = 0; i < n; i++)
        {
            double xtf = xx[i];
            double epspri = eps2 + Math.Abs(grd[i] * eps2);
            double stepb4 = 0;
            for (int cycle = 0; cycle < cycles; cycle++)
            {
                double optstp = Math.Sqrt(dfmin / (Math.Abs(g2[i]) + epspri));
                double step = Math.Max(optstp, Math.Abs(0.1 * gstep[i]));
                if (fcn.Map.HasLimits(i) && step > 0.5) step = 0.5;
                double stpmax = 10.0 * Math.Abs(gstep[i]);
                if (step > stpmax) step = stpmax;
                double stpmin = Math.Max(vrysml, 8.0 * Math.Abs(eps2 * xx[i]));
                if (step < stpmin) step = stpmin;
                if (Math.Abs((step - stepb4) / step) < stepTolerance) break;
                gstep[i] = step;
                stepb4 = step;
                xx[i] = xtf + step;
                double fs1 = fcn.Value(xx);
                xx[i] = xtf - step;
                double fs2 = fcn.Value(xx);
                xx[i] = xtf;
                double grdb4 = grd[i];
                grd[i] = 0.5 * (fs1 - fs2) / step;
                g2[i] = (fs1 + fs2 - 2.0 * fval) / step / step;
                if (Math.Abs(grdb4 - grd[i]) / (Math.Abs(grd[i]) + dfmin / step) < gradTolerance) break;
            }
        }
        return new GradientInfo(grd, g2, gstep, false);
    }
}
