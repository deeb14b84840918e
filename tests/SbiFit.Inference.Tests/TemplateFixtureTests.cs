using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Inference.Tests;

/// <summary>Synthetic events: random observables (partly out of range) and random PSD Hermitian W with W00 = 1.</summary>
internal static class SyntheticEvents
{
    public const int P = WeightMatrixLayout.PackedLength;

    public static (double[][] Observables, double[] PackedW, double[] Weights) Make(int n, ulong seed)
    {
        var rng = new Rng(seed, 7);
        var obs = new double[5][];
        for (int a = 0; a < 5; a++) obs[a] = new double[n];
        var packed = new double[n * P];
        var weights = new double[n];
        Span<Complex> full = stackalloc Complex[25];
        Span<Complex> v = stackalloc Complex[5];
        for (int e = 0; e < n; e++)
        {
            obs[0][e] = rng.Uniform(-0.3, 11.0);
            obs[1][e] = rng.Uniform(-1.05, 1.05);
            obs[2][e] = rng.Uniform(-1.0, 1.0);
            obs[3][e] = rng.Uniform(-Math.PI, Math.PI);
            obs[4][e] = 0.5 + 1.5 * rng.NextGaussian();
            full.Clear();
            for (int r = 0; r < 3; r++)
            {
                for (int i = 0; i < 5; i++) v[i] = new Complex(rng.NextGaussian(), rng.NextGaussian());
                for (int i = 0; i < 5; i++)
                    for (int j = 0; j < 5; j++) full[i * 5 + j] += v[i] * Complex.Conjugate(v[j]);
            }
            double w00 = full[0].Real;
            for (int k = 0; k < 25; k++) full[k] /= w00;
            WeightMatrixLayout.Pack(full, packed.AsSpan(e * P, P));
            weights[e] = rng.Uniform(0.5, 1.5);
        }
        return (obs, packed, weights);
    }

    public static Complex[] RandomC(Rng rng) =>
        Enumerable.Range(0, 5).Select(i => new Complex((i == 0 ? 1 : 0) + rng.Uniform(-1, 1), rng.Uniform(-1, 1))).ToArray();

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SbiFit.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SbiFit.sln not found above " + AppContext.BaseDirectory);
    }
}

public class TemplateFixtureTests
{
    [Fact]
    public void SyntheticMatricesArePositiveWithUnitW00()
    {
        var (_, packed, _) = SyntheticEvents.Make(200, 1);
        var rng = new Rng(2);
        for (int e = 0; e < 200; e++)
        {
            var w = packed.AsSpan(e * SyntheticEvents.P, SyntheticEvents.P);
            Assert.Equal(1.0, w[WeightMatrixLayout.ReIndex(0, 0)], 12);
            Assert.True(WeightMatrixLayout.Contract(w, SyntheticEvents.RandomC(rng)) >= 0);
        }
    }
}
