namespace SbiFit.Inference.Minimisation;

/// <summary>
/// Minuit2's MnLineSearch: minimum of f(x + slam * step) by parabolic interpolation, first through f(0), the slope
/// gdel and f(1), then through three points. A non-finite value counts as worse than every other point (the step is cut).
/// </summary>
internal static class LineSearch
{
    public static (double Lambda, double Fval) Search(InternalFunction fcn, double[] x, double f0, double[] step, double gdel)
    {
        const double toler = 0.05, slambg = 5.0, alpha = 2.0;
        const int maxiter = 12;
        double overal = 1000.0, undral = -100.0;
        int n = x.Length;
        var trial = new double[n];
        double Eval(double lambda)
        {
            for (int i = 0; i < n; i++) trial[i] = x[i] + lambda * step[i];
            double f = fcn.Value(trial);
            return double.IsNaN(f) ? double.PositiveInfinity : f;
        }

        double slamin = 0;
        for (int i = 0; i < n; i++)
        {
            if (step[i] == 0) continue;
            double ratio = Math.Abs(x[i] / step[i]);
            if (slamin == 0 || ratio < slamin) slamin = ratio;
        }
        if (Math.Abs(slamin) < Precision.Eps) slamin = Precision.Eps;
        slamin *= Precision.Eps2;

        double f1 = Eval(1.0);
        int niter = 1;
        double fvmin = f0, xvmin = 0;
        if (f1 < f0) { fvmin = f1; xvmin = 1; }
        double toler8 = toler, slamax = slambg, flast = f1, slam = 1.0;
        (double X, double Y) p0 = (0, f0), p1 = (slam, flast);
        double f2;
        bool iterate;
        do
        {
            iterate = false;
            if (double.IsFinite(flast))
            {
                double denom = 2.0 * (flast - f0 - gdel * slam) / (slam * slam);
                slam = denom != 0 ? -gdel / denom : 1.0;
                if (slam < 0) slam = slamax;
            }
            else slam *= 0.1; // the step ran into a region where f is not finite: shrink hard
            if (slam > slamax) slam = slamax;
            if (slam < toler8 && double.IsFinite(flast)) slam = toler8;
            if (slam < slamin) return (xvmin, fvmin);
            if (Math.Abs(slam - 1.0) < toler8 && p1.Y < p0.Y) return (xvmin, fvmin);
            if (Math.Abs(slam - 1.0) < toler8) slam = 1.0 + toler8;
            f2 = Eval(slam);
            niter++;
            if (f2 < fvmin) { fvmin = f2; xvmin = slam; }
            if (Math.Abs(p0.Y - fvmin) < Math.Abs(fvmin) * Precision.Eps || !double.IsFinite(f2))
            {
                iterate = true;
                flast = f2;
                toler8 = toler * slam;
                overal = slam - toler8;
                slamax = overal;
                p1 = (slam, flast);
            }
        } while (iterate && niter < maxiter);
        if (niter >= maxiter) return (xvmin, fvmin);

        (double X, double Y) p2 = (slam, f2);
        do
        {
            slamax = Math.Max(slamax, alpha * Math.Abs(xvmin));
            var (a, b) = Parabola(p0, p1, p2);
            var infinite = !double.IsFinite(p0.Y) ? p0 : !double.IsFinite(p1.Y) ? p1 : !double.IsFinite(p2.Y) ? p2 : ((double X, double Y)?)null;
            if (infinite is { } bad) slam = 0.5 * (xvmin + bad.X); // bisect towards the point where f was not finite
            else if (a < Precision.Eps2)
            {
                double slopem = 2.0 * a * xvmin + b;
                slam = slopem < 0 ? xvmin + slamax : xvmin - slamax;
            }
            else
            {
                slam = -b / (2.0 * a);
                slam = Math.Clamp(slam, xvmin - slamax, xvmin + slamax);
            }
            slam = slam > 0 ? Math.Min(slam, overal) : Math.Max(slam, undral);
            double f3;
            do
            {
                iterate = false;
                double toler9 = Math.Max(toler8, Math.Abs(toler8 * slam));
                if (Math.Abs(p0.X - slam) < toler9 || Math.Abs(p1.X - slam) < toler9 || Math.Abs(p2.X - slam) < toler9)
                    return (xvmin, fvmin);
                f3 = Eval(slam);
                niter++;
                if (f3 > p0.Y && f3 > p1.Y && f3 > p2.Y)
                {
                    if (slam > xvmin) overal = Math.Min(overal, slam - toler8);
                    if (slam < xvmin) undral = Math.Max(undral, slam + toler8);
                    slam = 0.5 * (slam + xvmin);
                    iterate = true;
                    niter++;
                }
            } while (iterate && niter < maxiter);
            if (niter >= maxiter) return (xvmin, fvmin);
            (double X, double Y) p3 = (slam, f3);
            if (p0.Y > p1.Y && p0.Y > p2.Y) p0 = p3;
            else if (p1.Y > p0.Y && p1.Y > p2.Y) p1 = p3;
            else p2 = p3;
            if (f3 < fvmin) { fvmin = f3; xvmin = slam; }
            else
            {
                if (slam > xvmin) overal = Math.Min(overal, slam - toler8);
                if (slam < xvmin) undral = Math.Max(undral, slam + toler8);
            }
            niter++;
        } while (niter < maxiter);
        return (xvmin, fvmin);
    }

    /// <summary>Curvature a and slope b of the parabola y = a x^2 + b x + c through three points (MnParabolaFactory).</summary>
    private static (double A, double B) Parabola((double X, double Y) q1, (double X, double Y) q2, (double X, double Y) q3)
    {
        double x1 = q1.X, x2 = q2.X, x3 = q3.X;
        double dx12 = x1 - x2, dx13 = x1 - x3, dx23 = x2 - x3;
        double xm = (x1 + x2 + x3) / 3.0;
        x1 -= xm; x2 -= xm; x3 -= xm;
        double a = q1.Y / (dx12 * dx13) - q2.Y / (dx12 * dx23) + q3.Y / (dx13 * dx23);
        double b = -q1.Y * (x2 + x3) / (dx12 * dx13) + q2.Y * (x1 + x3) / (dx12 * dx23) - q3.Y * (x1 + x2) / (dx13 * dx23);
        b -= 2.0 * xm * a;
        return (a, b);
    }
}
