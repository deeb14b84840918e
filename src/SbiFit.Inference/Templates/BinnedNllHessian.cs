using SbiFit.Inference.Likelihood;
using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Inference.Templates;

/// <summary>
/// <see cref="BinnedPoissonLikelihood"/> (without Barlow-Beeston-lite) plus its closed-form Hessian, so MIGRAD's seed and
/// HESSE cost one call instead of a numerical second-derivative scan. With t_b = μ·a(θ)·T_b:
/// H_ij = Σ_b [(1 − n_b/t_b) ∂²t_b/∂i∂j + n_b/t_b² ∂_i t_b ∂_j t_b] (+ 1/σ² for μ). a(θ) is quadratic in θ, so unit-step
/// differences of <see cref="WeightMatrixLayout.LinearForm"/> give its first and second derivatives exactly.
/// </summary>
internal sealed class BinnedNllHessian : IObjective
{
    private const int P = WeightMatrixLayout.PackedLength;
    private readonly BinnedPoissonLikelihood _nll;
    private readonly TemplateSet _templates;
    private readonly double[] _observed;
    private readonly WilsonParameterMap _map;
    private readonly double? _normSigma;

    public BinnedNllHessian(BinnedPoissonLikelihood nll, TemplateSet templates, IReadOnlyList<double> observed, WilsonParameterMap map, double? normSigma)
    {
        _nll = nll;
        _templates = templates;
        _observed = observed.ToArray();
        _map = map;
        _normSigma = normSigma;
    }

    public int Dimension => _nll.Dimension;
    public double Value(ReadOnlySpan<double> p) => _nll.Value(p);
    public bool HasGradient => true;
    public double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient) => _nll.ValueAndGradient(p, gradient);
    public bool HasHessian => true;

    public void Hessian(ReadOnlySpan<double> p, Span<double> hessian)
    {
        int dim = Dimension, nw = _map.Count;
        bool hasNorm = _normSigma is not null;
        if (hessian.Length != dim * dim) throw new TemplateException($"Hessian: output has {hessian.Length} entries, expected {dim * dim}.");
        double mu = hasNorm ? p[^1] : 1.0;
        var c = _map.Map(p);
        var a = WeightMatrixLayout.LinearForm(c);
        // da[k] = ∂a/∂θ_k; d2a[k,l] = ∂²a/∂θ_k∂θ_l (constant: a is quadratic).
        var da = new double[nw][];
        var d2a = new double[nw * nw][];
        for (int k = 0; k < nw; k++)
        {
            var ap = WeightMatrixLayout.LinearForm(Shift(c, k, 1));
            var am = WeightMatrixLayout.LinearForm(Shift(c, k, -1));
            da[k] = new double[P];
            for (int j = 0; j < P; j++) da[k][j] = 0.5 * (ap[j] - am[j]);
        }
        for (int k = 0; k < nw; k++)
            for (int l = k; l < nw; l++)
            {
                var both = WeightMatrixLayout.LinearForm(Shift(Shift(c, k, 1), l, 1));
                var ak = WeightMatrixLayout.LinearForm(Shift(c, k, 1));
                var al = WeightMatrixLayout.LinearForm(Shift(c, l, 1));
                var d = new double[P];
                for (int j = 0; j < P; j++) d[j] = both[j] - ak[j] - al[j] + a[j];
                d2a[k * nw + l] = d2a[l * nw + k] = d;
            }

        var h = new double[dim * dim];
        var curvature = new double[P]; // Σ_b (1 − n/t) T_b
        var dt = new double[dim];
        var t = _templates.Matrices;
        for (int b = 0; b < _templates.Bins; b++)
        {
            var tb = t.Slice(b * P, P);
            double s = Kernels.Dot(a, tb), tv = mu * s, n = _observed[b];
            bool floored = !(tv > BinnedPoissonLikelihood.ExpectationFloor);
            double w1 = floored ? 1.0 : 1.0 - n / tv;
            Kernels.AddScaled(curvature, tb, w1);
            if (floored || n == 0) continue;
            for (int k = 0; k < nw; k++) dt[k] = mu * Kernels.Dot(da[k], tb);
            if (hasNorm) dt[^1] = s;
            double w2 = n / (tv * tv);
            for (int i = 0; i < dim; i++)
                for (int j = i; j < dim; j++) h[i * dim + j] += w2 * dt[i] * dt[j];
            if (hasNorm)
                for (int k = 0; k < nw; k++) h[k * dim + nw] += w1 * Kernels.Dot(da[k], tb); // ∂²t/∂θ_k∂μ
        }
        for (int k = 0; k < nw; k++)
            for (int l = k; l < nw; l++) h[k * dim + l] += mu * Kernels.Dot(d2a[k * nw + l], curvature);
        if (hasNorm && double.IsFinite(_normSigma!.Value)) h[dim * dim - 1] += 1.0 / (_normSigma.Value * _normSigma.Value);
        for (int i = 0; i < dim; i++)
            for (int j = i; j < dim; j++) hessian[i * dim + j] = hessian[j * dim + i] = h[i * dim + j];
    }

    private Complex[] Shift(Complex[] c, int k, double step)
    {
        var r = (Complex[])c.Clone();
        var (i, im) = _map.Component(k);
        r[i] += im ? new Complex(0, step) : new Complex(step, 0);
        return r;
    }
}
