using SbiFit.Data;
using SbiFit.Learning;

namespace SbiFit.Inference.Likelihood;

/// <summary>
/// The SBI term −Σ_i w_i log r(x_i|θ) with log r = logit(x_i, θ) − logit(x_i, 0) (likelihood-ratio trick: the θ = 0
/// subtraction makes r exactly 1 in the SM). The network is called in batches through <see cref="ILogitModel"/>
/// (our kernels or ONNX Runtime); logit(x, 0) is cached once per dataset. Optionally the ratio is normalised
/// numerically with an SM reference sample: log r → log r − log ⟨r⟩_SM(θ).
/// </summary>
public sealed class LearnedRatioTerm : INllTerm
{
    private readonly ILogitModel _model;
    private readonly float[] _x;
    private readonly double[] _w;
    private readonly int _rows;
    private readonly int[] _thetaToParam;
    private readonly float[] _logit0, _logit, _theta;
    private readonly double[] _terms;
    private readonly double _sumW;
    private readonly SmNormaliser? _normaliser;
    private readonly object _lock = new();

    /// <summary>
    /// Creates the term. <paramref name="x"/> is row-major [rows, n_x] in the model's feature order; <paramref name="thetaToParam"/>[t]
    /// is the model-parameter index that feeds network theta input t (−1: held at zero).
    /// </summary>
    public LearnedRatioTerm(ILogitModel model, float[] x, double[] weights, int[] thetaToParam, float[]? smReferenceX = null)
    {
        int nx = model.FeatureNames.Count, nt = model.ThetaNames.Count;
        if (weights.Length == 0) throw new ArgumentException("The dataset is empty: no events to fit.");
        if (x.Length != weights.Length * nx)
            throw new ArgumentException($"Feature array has {x.Length} values, expected {weights.Length} events x {nx} features.");
        if (thetaToParam.Length != nt) throw new ArgumentException($"The model has {nt} theta inputs, the map has {thetaToParam.Length}.");
        for (int i = 0; i < weights.Length; i++)
            if (!double.IsFinite(weights[i])) throw new ArgumentException($"Event weight {i} is {weights[i]}: weights must be finite.");
        for (int i = 0; i < x.Length; i++)
            if (!float.IsFinite(x[i])) throw new ArgumentException($"Feature '{model.FeatureNames[i % nx]}' of event {i / nx} is {x[i]}.");
        _model = model; _x = x; _w = weights; _rows = weights.Length; _thetaToParam = thetaToParam;
        _logit0 = new float[_rows];
        _logit = new float[_rows];
        _theta = new float[_rows * nt];
        _terms = new double[_rows];
        _model.Logits(_x, _theta, _rows, _logit0);
        _sumW = CompensatedSum.Pairwise(weights);
        if (smReferenceX is not null) _normaliser = new SmNormaliser(model, smReferenceX);
        Description = $"learned ratio ({_rows} events{(_normaliser is null ? "" : ", SM-normalised")})";
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public bool HasGradient => false;

    /// <summary>Sum of event weights (the observed yield).</summary>
    public double SumOfWeights => _sumW;

    /// <inheritdoc />
    public double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient) =>
        throw new NotSupportedException("The runtime-call learned ratio has no analytic gradient; use the codegen-ad backend.");

    /// <summary>Network theta inputs for model parameters p.</summary>
    public float[] ThetaFor(ReadOnlySpan<double> p)
    {
        var t = new float[_thetaToParam.Length];
        for (int k = 0; k < t.Length; k++) t[k] = _thetaToParam[k] < 0 ? 0f : (float)p[_thetaToParam[k]];
        return t;
    }

    /// <inheritdoc />
    public double Value(ReadOnlySpan<double> p)
    {
        var theta = ThetaFor(p);
        int nt = theta.Length;
        lock (_lock)
        {
            for (int i = 0; i < _rows; i++)
                for (int k = 0; k < nt; k++) _theta[i * nt + k] = theta[k];
            _model.Logits(_x, _theta, _rows, _logit);
            for (int i = 0; i < _rows; i++) _terms[i] = _w[i] * ((double)_logit[i] - _logit0[i]);
            double nll = -CompensatedSum.Pairwise(_terms);
            if (_normaliser is not null) nll += _sumW * Math.Log(_normaliser.MeanRatio(theta));
            return nll;
        }
    }

    /// <summary>⟨r⟩ over the SM reference sample at p (1 for a perfectly trained network); NaN without a reference sample.</summary>
    public double MeanSmRatio(ReadOnlySpan<double> p) => _normaliser?.MeanRatio(ThetaFor(p)) ?? double.NaN;
}

/// <summary>Mean learned ratio ⟨exp(logit(x,θ) − logit(x,0))⟩ over an SM sample: the numerical normalisation of r.</summary>
public sealed class SmNormaliser
{
    private readonly ILogitModel _model;
    private readonly float[] _x;
    private readonly int _rows;
    private readonly float[] _logit0;

    /// <summary>Caches logit(x, 0) for the SM sample (row-major [rows, n_x]).</summary>
    public SmNormaliser(ILogitModel model, float[] smX)
    {
        int nx = model.FeatureNames.Count;
        if (smX.Length == 0 || smX.Length % nx != 0)
            throw new ArgumentException($"The SM reference sample has {smX.Length} feature values: it is empty or not a multiple of the {nx} features.");
        for (int i = 0; i < smX.Length; i++)
            if (!float.IsFinite(smX[i])) throw new ArgumentException($"SM reference feature '{model.FeatureNames[i % nx]}' of event {i / nx} is {smX[i]}.");
        _model = model; _x = smX; _rows = smX.Length / nx;
        _logit0 = new float[_rows];
        _model.Logits(_x, new float[_rows * model.ThetaNames.Count], _rows, _logit0);
    }

    /// <summary>⟨r⟩ at network theta inputs <paramref name="theta"/>.</summary>
    public double MeanRatio(ReadOnlySpan<float> theta)
    {
        int nt = theta.Length;
        var th = new float[_rows * nt];
        for (int i = 0; i < _rows; i++) theta.CopyTo(th.AsSpan(i * nt, nt));
        var l = new float[_rows];
        _model.Logits(_x, th, _rows, l);
        var r = new double[_rows];
        for (int i = 0; i < _rows; i++) r[i] = Math.Exp((double)l[i] - _logit0[i]);
        return CompensatedSum.Pairwise(r) / _rows;
    }
}
