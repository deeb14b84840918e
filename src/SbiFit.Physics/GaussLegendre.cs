namespace SbiFit.Physics;

/// <summary>Gauss–Legendre rules on [0, 1] (nodes by Newton iteration on P_n).</summary>
internal sealed class GaussLegendre
{
    /// <summary>The 200-point rule of physics-reference §9.</summary>
    public static GaussLegendre Default { get; } = new(200);

    /// <summary>Nodes in [0, 1].</summary>
    public double[] Nodes { get; }

    /// <summary>Weights (sum to 1).</summary>
    public double[] Weights { get; }

    public GaussLegendre(int n)
    {
        Nodes = new double[n];
        Weights = new double[n];
        for (int i = 0; i < (n + 1) / 2; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int iter = 0; iter < 100; iter++)
            {
                double p0 = 1, p1 = x;
                for (int k = 2; k <= n; k++)
                {
                    double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                dp = n * (x * p1 - p0) / (x * x - 1);
                double dx = p1 / dp;
                x -= dx;
                if (Math.Abs(dx) < 1e-15) break;
            }
            double w = 2 / ((1 - x * x) * dp * dp);
            // Map [-1, 1] → [0, 1].
            Nodes[i] = 0.5 * (1 - x);
            Nodes[n - 1 - i] = 0.5 * (1 + x);
            Weights[i] = Weights[n - 1 - i] = 0.5 * w;
        }
    }
}
