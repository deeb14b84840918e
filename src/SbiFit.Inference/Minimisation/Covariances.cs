namespace SbiFit.Inference.Minimisation;

/// <summary>Internal-to-external errors and covariance: cov_ext = J (2 up V) J with the transforms' Jacobian.</summary>
internal static class Covariances
{
    public static double[,] External(ParameterMap map, MinimumState st, double up, out double[] values, out double[] errors)
    {
        int m = map.ExternalCount;
        values = new double[m];
        map.ToExternal(st.X, values);
        errors = new double[m];
        var cov = new double[m, m];
        for (int i = 0; i < map.InternalCount; i++)
        {
            int ei = map.Free[i];
            errors[ei] = map.ToExternalError(i, st.X[i], Math.Sqrt(2.0 * up * Math.Max(st.V[i, i], 0.0)));
            for (int j = 0; j < map.InternalCount; j++)
                cov[ei, map.Free[j]] = 2.0 * up * map.Jacobian(i, st.X[i]) * st.V[i, j] * map.Jacobian(j, st.X[j]);
        }
        return cov;
    }

    public static double[,] Correlation(double[,] cov)
    {
        int m = cov.GetLength(0);
        var c = new double[m, m];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
            {
                double d = Math.Sqrt(cov[i, i] * cov[j, j]);
                c[i, j] = d > 0 ? cov[i, j] / d : i == j ? 1.0 : 0.0;
            }
        return c;
    }
}
