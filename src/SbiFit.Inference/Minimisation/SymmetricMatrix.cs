namespace SbiFit.Inference.Minimisation;

/// <summary>Small dense symmetric-matrix algebra for the minimiser (n is the number of free parameters, tiny).</summary>
internal static class SymmetricMatrix
{
    public static double[,] Identity(int n)
    {
        var m = new double[n, n];
        for (int i = 0; i < n; i++) m[i, i] = 1.0;
        return m;
    }

    public static double[,] Copy(double[,] a) => (double[,])a.Clone();

    /// <summary>y = A x.</summary>
    public static double[] Multiply(double[,] a, ReadOnlySpan<double> x)
    {
        int n = x.Length;
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += a[i, j] * x[j];
            y[i] = s;
        }
        return y;
    }

    /// <summary>x^T A x.</summary>
    public static double Similarity(double[,] a, ReadOnlySpan<double> x)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double row = 0;
            for (int j = 0; j < x.Length; j++) row += a[i, j] * x[j];
            s += x[i] * row;
        }
        return s;
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Inverse by Gauss-Jordan elimination with partial pivoting on [A | I]; null when singular.</summary>
    public static double[,]? Invert(double[,] a)
    {
        int n = a.GetLength(0);
        var m = Copy(a);
        var inv = Identity(n);
        for (int k = 0; k < n; k++)
        {
            int piv = k;
            for (int i = k + 1; i < n; i++) if (Math.Abs(m[i, k]) > Math.Abs(m[piv, k])) piv = i;
            double d = m[piv, k];
            if (d == 0 || !double.IsFinite(d)) return null;
            if (piv != k)
                for (int j = 0; j < n; j++)
                {
                    (m[piv, j], m[k, j]) = (m[k, j], m[piv, j]);
                    (inv[piv, j], inv[k, j]) = (inv[k, j], inv[piv, j]);
                }
            for (int j = 0; j < n; j++) { m[k, j] /= d; inv[k, j] /= d; }
            for (int i = 0; i < n; i++)
            {
                if (i == k) continue;
                double f = m[i, k];
                if (f == 0) continue;
                for (int j = 0; j < n; j++) { m[i, j] -= f * m[k, j]; inv[i, j] -= f * inv[k, j]; }
            }
        }
        Symmetrise(inv);
        return inv;
    }

    public static void Symmetrise(double[,] m)
    {
        int n = m.GetLength(0);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++)
            {
                double avg = 0.5 * (m[i, j] + m[j, i]);
                m[i, j] = avg; m[j, i] = avg;
            }
    }

    /// <summary>Eigenvalues of a symmetric matrix (cyclic Jacobi rotations), ascending.</summary>
    public static double[] Eigenvalues(double[,] a)
    {
        int n = a.GetLength(0);
        var m = Copy(a);
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) off += m[i, j] * m[i, j];
            if (off < 1e-30) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    if (m[p, q] == 0) continue;
                    double theta = 0.5 * (m[q, q] - m[p, p]) / m[p, q];
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double mkp = m[k, p], mkq = m[k, q];
                        m[k, p] = c * mkp - s * mkq; m[k, q] = s * mkp + c * mkq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double mpk = m[p, k], mqk = m[q, k];
                        m[p, k] = c * mpk - s * mqk; m[q, k] = s * mpk + c * mqk;
                    }
                }
        }
        var ev = new double[n];
        for (int i = 0; i < n; i++) ev[i] = m[i, i];
        Array.Sort(ev);
        return ev;
    }

    /// <summary>
    /// Minuit2's MnPosDef: shifts a non-positive diagonal, then, if the smallest eigenvalue of the scaled matrix is
    /// below 1e-6 of the largest, inflates the diagonal. Returns true when the matrix had to be changed.
    /// </summary>
    public static bool MakePositiveDefinite(double[,] m)
    {
        int n = m.GetLength(0);
        if (n == 0) return false;
        if (n == 1)
        {
            if (m[0, 0] > Precision.Eps) return false;
            m[0, 0] = 1.0;
            return true;
        }
        double epspdf = Math.Max(1e-6, Precision.Eps2);
        double dgmin = m[0, 0];
        for (int i = 0; i < n; i++) dgmin = Math.Min(dgmin, m[i, i]);
        double dg = dgmin <= 0 ? 0.5 + epspdf - dgmin : 0.0;
        var s = new double[n];
        var p = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            m[i, i] += dg;
            if (m[i, i] < 0) m[i, i] = 1.0;
            s[i] = 1.0 / Math.Sqrt(m[i, i]);
            for (int j = 0; j <= i; j++) { p[i, j] = m[i, j] * s[i] * s[j]; p[j, i] = p[i, j]; }
        }
        var ev = Eigenvalues(p);
        double pmin = ev[0], pmax = Math.Max(Math.Abs(ev[^1]), 1.0);
        if (pmin > epspdf * pmax) return dg != 0;
        double padd = 0.001 * pmax - pmin;
        for (int i = 0; i < n; i++) m[i, i] *= 1.0 + padd;
        return true;
    }
}
