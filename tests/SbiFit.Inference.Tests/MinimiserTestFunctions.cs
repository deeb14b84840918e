using SbiFit.Inference;

namespace SbiFit.Inference.Tests;

/// <summary>An objective from delegates, counting value and gradient calls.</summary>
internal sealed class TestObjective(int dimension, Func<double[], double> f, Func<double[], double[]>? gradient = null,
    Func<double[], double[,]>? hessian = null) : IObjective
{
    public int Dimension => dimension;
    public int ValueCalls;
    public int GradientCalls;
    public bool HasGradient => gradient is not null;
    public bool HasHessian => hessian is not null;

    public double Value(ReadOnlySpan<double> p) { ValueCalls++; return f(p.ToArray()); }

    public double ValueAndGradient(ReadOnlySpan<double> p, Span<double> g)
    {
        GradientCalls++;
        var x = p.ToArray();
        gradient!(x).CopyTo(g);
        return f(x);
    }

    public void Hessian(ReadOnlySpan<double> p, Span<double> h)
    {
        var m = hessian!(p.ToArray());
        for (int i = 0; i < dimension; i++) for (int j = 0; j < dimension; j++) h[i * dimension + j] = m[i, j];
    }

    public static double Rosenbrock(double[] x) => 100 * Math.Pow(x[1] - x[0] * x[0], 2) + Math.Pow(1 - x[0], 2);

    public static double[] RosenbrockGradient(double[] x) =>
        [-400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0]), 200 * (x[1] - x[0] * x[0])];

    public static double Powell(double[] x) =>
        Math.Pow(x[0] + 10 * x[1], 2) + 5 * Math.Pow(x[2] - x[3], 2) + Math.Pow(x[1] - 2 * x[2], 4) + 10 * Math.Pow(x[0] - x[3], 4);

    public static double Wood(double[] x) =>
        100 * Math.Pow(x[1] - x[0] * x[0], 2) + Math.Pow(1 - x[0], 2) + 90 * Math.Pow(x[3] - x[2] * x[2], 2) + Math.Pow(1 - x[2], 2)
        + 10.1 * (Math.Pow(x[1] - 1, 2) + Math.Pow(x[3] - 1, 2)) + 19.8 * (x[1] - 1) * (x[3] - 1);

    public static double GoldsteinPrice(double[] p)
    {
        double x = p[0], y = p[1];
        double a = 1 + Math.Pow(x + y + 1, 2) * (19 - 14 * x + 3 * x * x - 14 * y + 6 * x * y + 3 * y * y);
        double b = 30 + Math.Pow(2 * x - 3 * y, 2) * (18 - 32 * x + 12 * x * x + 48 * y - 36 * x * y + 27 * y * y);
        return a * b;
    }

    public static Parameter[] Free(params double[] start) =>
        start.Select((v, i) => new Parameter($"x{i}", v, 0.1)).ToArray();
}
