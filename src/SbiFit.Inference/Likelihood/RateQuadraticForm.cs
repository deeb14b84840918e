using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Inference.Likelihood;

/// <summary>
/// I(c) = Σ_events w_e · c W_e c† for a sample: the sum of weights at any WC point, in closed form. It is stored as one
/// summed packed Hermitian matrix, so evaluating I (and its derivatives along the fit parameters) costs a 5×5 contraction.
/// </summary>
public sealed class RateQuadraticForm
{
    private readonly double[] _sum;

    /// <summary>Creates the form from an already summed packed matrix.</summary>
    public RateQuadraticForm(double[] summedPacked)
    {
        if (summedPacked.Length != WeightMatrixLayout.PackedLength)
            throw new ArgumentException($"A packed weight matrix has {WeightMatrixLayout.PackedLength} entries, got {summedPacked.Length}.");
        _sum = (double[])summedPacked.Clone();
    }

    /// <summary>Sums per-event packed matrices (row-major [N, 25]) with optional per-event weights (Kahan-compensated).</summary>
    public static RateQuadraticForm FromEvents(ReadOnlySpan<double> packed, ReadOnlySpan<double> eventWeights = default)
    {
        int p = WeightMatrixLayout.PackedLength;
        if (packed.Length % p != 0) throw new ArgumentException("Packed matrix array length is not a multiple of 25.");
        int n = packed.Length / p;
        if (!eventWeights.IsEmpty && eventWeights.Length != n)
            throw new ArgumentException($"{eventWeights.Length} event weights for {n} events.");
        var sum = new double[p];
        var comp = new double[p];
        for (int e = 0; e < n; e++)
        {
            double w = eventWeights.IsEmpty ? 1.0 : eventWeights[e];
            var row = packed.Slice(e * p, p);
            for (int k = 0; k < p; k++)
            {
                double y = w * row[k] - comp[k];
                double t = sum[k] + y;
                comp[k] = (t - sum[k]) - y;
                sum[k] = t;
            }
        }
        return new RateQuadraticForm(sum);
    }

    /// <summary>The summed packed matrix.</summary>
    public ReadOnlySpan<double> Packed => _sum;

    /// <summary>I(c).</summary>
    public double Evaluate(ReadOnlySpan<Complex> c) => WeightMatrixLayout.Contract(_sum, c);

    /// <summary>I at parameter values p through a parameter map.</summary>
    public double Evaluate(WilsonParameterMap map, ReadOnlySpan<double> p) => Evaluate(map.ToC(p));

    /// <summary>
    /// ∂I/∂p_k = 2 Re(d_k W c†) for a map whose parameters move c linearly along unit directions d_k.
    /// </summary>
    public void Gradient(WilsonParameterMap map, ReadOnlySpan<double> p, Span<double> gradient)
    {
        var c = map.ToC(p);
        var full = new Complex[25];
        WeightMatrixLayout.Unpack(_sum, full);
        for (int k = 0; k < map.Count; k++)
        {
            var d = map.Direction(k);
            Complex s = 0;
            for (int i = 0; i < 5; i++)
                for (int j = 0; j < 5; j++)
                    s += d[i] * Complex.Conjugate(c[j]) * full[i * 5 + j];
            gradient[k] = 2 * s.Real;
        }
    }

    /// <summary>∂²I/∂p_k∂p_l = 2 Re(d_k W d_l†) (constant: I is quadratic).</summary>
    public void Hessian(WilsonParameterMap map, Span<double> hessian)
    {
        var full = new Complex[25];
        WeightMatrixLayout.Unpack(_sum, full);
        int n = map.Count;
        for (int k = 0; k < n; k++)
            for (int l = 0; l < n; l++)
            {
                var dk = map.Direction(k);
                var dl = map.Direction(l);
                Complex s = 0;
                for (int i = 0; i < 5; i++)
                    for (int j = 0; j < 5; j++)
                        s += dk[i] * Complex.Conjugate(dl[j]) * full[i * 5 + j];
                hessian[k * n + l] = 2 * s.Real;
            }
    }
}
