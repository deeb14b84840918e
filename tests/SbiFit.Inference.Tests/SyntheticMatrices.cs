using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Inference.Tests;

/// <summary>Random but valid (Hermitian, positive semi-definite, W00 = 1) packed weight matrices for tests.</summary>
internal static class SyntheticMatrices
{
    public static double[] PackedMatrices(int n, ulong seed)
    {
        var rng = new Rng(seed);
        var packed = new double[n * WeightMatrixLayout.PackedLength];
        var full = new Complex[25];
        for (int e = 0; e < n; e++)
        {
            Array.Clear(full);
            for (int r = 0; r < 3; r++)
            {
                var v = new Complex[5];
                for (int i = 0; i < 5; i++) v[i] = new Complex(rng.NextGaussian(), i == 0 ? 0 : rng.NextGaussian() * 0.5);
                v[0] += 1.5;
                for (int i = 0; i < 5; i++)
                    for (int j = 0; j < 5; j++) full[i * 5 + j] += v[i] * Complex.Conjugate(v[j]);
            }
            double w00 = full[0].Real;
            for (int k = 0; k < 25; k++) full[k] /= w00;
            WeightMatrixLayout.Pack(full, packed.AsSpan(e * WeightMatrixLayout.PackedLength, WeightMatrixLayout.PackedLength));
        }
        return packed;
    }

    public static double[] Weights(double[] packed, Complex[] c)
    {
        int n = packed.Length / WeightMatrixLayout.PackedLength;
        var w = new double[n];
        for (int e = 0; e < n; e++)
            w[e] = WeightMatrixLayout.Contract(packed.AsSpan(e * 25, 25), c);
        return w;
    }
}
