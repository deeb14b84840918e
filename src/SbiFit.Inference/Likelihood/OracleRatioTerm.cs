using SbiFit.Data;
using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Inference.Likelihood;

/// <summary>
/// The truth-level oracle: the exact per-event density ratio from the weight matrices of the TRUE kinematics,
/// −Σ_i w_i [log w(x_i; c) − log(I(c)/I(0))], with w(x; c) = c W(x) c†. Combined with <see cref="ExtendedTerm"/> it is the
/// statistical limit that the learned likelihood is measured against. Analytic gradient.
/// </summary>
public sealed class OracleRatioTerm : INllTerm
{
    private readonly double[] _packed;
    private readonly double[] _w;
    private readonly int _rows;
    private readonly WilsonParameterMap _map;
    private readonly int[] _paramIndex;
    private readonly RateQuadraticForm _rate;
    private readonly double _sumW, _i0;

    /// <summary>
    /// <paramref name="packed"/>: row-major [rows, 25] packed W(x)/W00 of the data events; <paramref name="weights"/>: data
    /// weights; <paramref name="rate"/>: the rate form that normalises the density (the reference sample's I(c)).
    /// </summary>
    public OracleRatioTerm(double[] packed, double[] weights, WilsonParameterMap map, int[] paramIndex, RateQuadraticForm rate)
    {
        int p = WeightMatrixLayout.PackedLength;
        if (weights.Length == 0) throw new ArgumentException("The dataset is empty: no events to fit.");
        if (packed.Length != weights.Length * p) throw new ArgumentException("Weight-matrix array does not match the number of events.");
        if (paramIndex.Length != map.Count) throw new ArgumentException("Parameter index map does not match the WC map.");
        _packed = packed; _w = weights; _rows = weights.Length; _map = map; _paramIndex = paramIndex; _rate = rate;
        _sumW = CompensatedSum.Pairwise(weights);
        _i0 = rate.Evaluate(map, new double[map.Count]);
        Description = $"truth-level oracle ({_rows} events)";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public bool HasGradient => true;

    /// <inheritdoc />
    public double Value(ReadOnlySpan<double> p) => Evaluate(p, Span<double>.Empty);

    /// <inheritdoc />
    public double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient) => Evaluate(p, gradient);

    private double Evaluate(ReadOnlySpan<double> p, Span<double> gradient)
    {
        int np = WeightMatrixLayout.PackedLength, n = _map.Count;
        var q = new double[n];
        for (int k = 0; k < n; k++) q[k] = p[_paramIndex[k]];
        Complex[] c = _map.ToC(q);
        double[] a = WeightMatrixLayout.LinearForm(c);
        bool wantGrad = !gradient.IsEmpty;
        // ∂w/∂p_k is linear in W too: its coefficients are those of 2 Re(d_k W c†).
        var da = new double[n][];
        if (wantGrad)
            for (int k = 0; k < n; k++) da[k] = DirectionalForm(_map.Direction(k), c);
        var terms = new double[_rows];
        var gterms = wantGrad ? new double[n, _rows] : null;
        bool bad = false;
        Parallel.For(0, (_rows + 4095) / 4096, b =>
        {
            int lo = b * 4096, hi = Math.Min(_rows, lo + 4096);
            for (int i = lo; i < hi; i++)
            {
                var row = new ReadOnlySpan<double>(_packed, i * np, np);
                double wi = Dot(a, row);
                if (!(wi > 0)) { if (_w[i] != 0) bad = true; terms[i] = 0; continue; }
                terms[i] = _w[i] * Math.Log(wi);
                if (gterms is not null)
                    for (int k = 0; k < n; k++) gterms[k, i] = _w[i] * Dot(da[k], row) / wi;
            }
        });
        if (bad) return double.PositiveInfinity;
        double iRatio = _rate.Evaluate(c) / _i0;
        double value = -CompensatedSum.Pairwise(terms) + _sumW * Math.Log(iRatio);
        if (wantGrad)
        {
            var gI = new double[n];
            _rate.Gradient(_map, q, gI);
            double iC = _rate.Evaluate(c);
            for (int k = 0; k < n; k++)
            {
                var col = new double[_rows];
                for (int i = 0; i < _rows; i++) col[i] = gterms![k, i];
                gradient[_paramIndex[k]] += -CompensatedSum.Pairwise(col) + _sumW * gI[k] / iC;
            }
        }
        return value;
    }

    private static double Dot(double[] a, ReadOnlySpan<double> row)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++) s += a[k] * row[k];
        return s;
    }

    /// <summary>Linear-form coefficients of 2 Re(d W c†) = d W c† + c W d†.</summary>
    private static double[] DirectionalForm(Complex[] d, Complex[] c)
    {
        var plus = new Complex[5];
        var minus = new Complex[5];
        for (int i = 0; i < 5; i++) { plus[i] = c[i] + d[i]; minus[i] = c[i] - d[i]; }
        var ap = WeightMatrixLayout.LinearForm(plus);
        var am = WeightMatrixLayout.LinearForm(minus);
        // (c+d)W(c+d)† − (c−d)W(c−d)† = 2(d W c† + c W d†) = 4 Re(d W c†)
        var r = new double[ap.Length];
        for (int k = 0; k < r.Length; k++) r[k] = (ap[k] - am[k]) / 2;
        return r;
    }
}
