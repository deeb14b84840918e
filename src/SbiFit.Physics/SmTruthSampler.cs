using System.Numerics;

namespace SbiFit.Physics;

/// <summary>
/// Exact generator of true phase-space points (q², cos θ_D, cos θ_ℓ, χ) from the rate of physics-reference §5 for
/// fixed coefficients (SM by default), following §9: q² by inverse CDF of dΓ/dq² tabulated in the end-point variable u
/// (piecewise-linear density, inverted exactly), then accept–reject of the angles against W_max = Σ_k |I_k(q²)|.
/// The tables are immutable, so one instance may be shared by threads that each use their own <see cref="Rng"/>.
/// </summary>
public sealed class SmTruthSampler
{
    private const int GridIntervals = 4000;
    private readonly DecayModel _model;
    private readonly Complex[] _c;
    private readonly double[] _density;   // dΓ/du at the grid nodes
    private readonly double[] _cdf;       // cumulative integral at the grid nodes (last = total)
    private readonly double _du = 1.0 / GridIntervals;

    /// <summary>Builds the q² table for the given lepton, form factors and coefficients (SM if null).</summary>
    public SmTruthSampler(Lepton lepton, IFormFactors formFactors, WilsonCoefficients? c = null)
    {
        ArgumentNullException.ThrowIfNull(formFactors);
        _model = new DecayModel(lepton, formFactors);
        Coefficients = c ?? WilsonCoefficients.Sm;
        _c = Coefficients.ToVector();
        _density = new double[GridIntervals + 1];
        _cdf = new double[GridIntervals + 1];
        for (int j = 0; j <= GridIntervals; j++)
        {
            var (q2, jac) = _model.FromU(j * _du);
            double rate = j == 0 || j == GridIntervals ? 0 : _model.DifferentialRate(q2, Coefficients) * jac;
            if (!(rate >= 0)) throw new InvalidOperationException($"Negative or undefined dΓ/dq² at q² = {q2} for {Coefficients}.");
            _density[j] = rate;
            if (j > 0) _cdf[j] = _cdf[j - 1] + 0.5 * _du * (_density[j - 1] + rate);
        }
        if (!(_cdf[GridIntervals] > 0)) throw new InvalidOperationException($"Total rate vanishes for {Coefficients}.");
    }

    /// <summary>Lepton flavour.</summary>
    public Lepton Lepton => _model.Lepton;

    /// <summary>Coefficients the sample is drawn for.</summary>
    public WilsonCoefficients Coefficients { get; }

    /// <summary>Draws one point.</summary>
    public TruthPoint Sample(Rng rng)
    {
        double q2 = SampleQ2(rng);
        Span<double> ik = stackalloc double[AngularCoefficients.Count];
        AngularCoefficients.Evaluate(_model.Amplitudes(q2), _c, ik);
        double bound = 0;
        for (int k = 0; k < ik.Length; k++) bound += Math.Abs(ik[k]);
        Span<double> f = stackalloc double[AngularCoefficients.Count];
        while (true)
        {
            double cd = 2 * rng.NextDouble() - 1;
            double cl = 2 * rng.NextDouble() - 1;
            double chi = Math.PI * (1 - 2 * rng.NextDouble()); // (−π, π]
            AngularCoefficients.AngularFunctions(cd, cl, chi, f);
            double w = 0;
            for (int k = 0; k < f.Length; k++) w += ik[k] * f[k];
            if (rng.NextDouble() * bound < w) return new TruthPoint(q2, cd, cl, chi);
        }
    }

    /// <summary>Inverse CDF of the piecewise-linear density in u, then u → q².</summary>
    private double SampleQ2(Rng rng)
    {
        double target = rng.NextDouble() * _cdf[^1];
        int lo = 0, hi = GridIntervals;
        while (hi - lo > 1)
        {
            int mid = (lo + hi) >> 1;
            if (_cdf[mid] <= target) lo = mid; else hi = mid;
        }
        double g0 = _density[lo], g1 = _density[lo + 1];
        double t = target - _cdf[lo];
        // Solve g0 s + (g1 − g0) s²/(2h) = t for s ∈ [0, h] in the cancellation-free form.
        double a = (g1 - g0) / (2 * _du);
        double disc = Math.Max(0, g0 * g0 + 4 * a * t);
        double s = 2 * t / (g0 + Math.Sqrt(disc));
        if (!double.IsFinite(s)) s = 0;
        double u = Math.Clamp(lo * _du + Math.Min(s, _du), 0, 1);
        double q2 = _model.FromU(u).Q2;
        return Math.Max(q2, Math.BitIncrement(_model.Q2Min));
    }
}
