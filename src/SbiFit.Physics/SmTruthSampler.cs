using System.Numerics;

namespace SbiFit.Physics;

/// <summary>
/// Exact generator of true phase-space points (q², cos θ_D, cos θ_ℓ, χ) from the rate of physics-reference §5 for
/// fixed coefficients (SM by default), following §9: q² by inverse CDF of dΓ/dq² tabulated in the end-point variable u
/// (piecewise-linear density, inverted exactly), then accept–reject of the angles against a rigorous bound W_max(q²) ≥ max over angles of Σ_k I_k f_k
/// (largest eigenvalue of the cosθ_D/sinθ_D quadratic form, see AngularKernel.EnvelopeBound).
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
        double bound = AngularKernel.EnvelopeBound(ik);
        double i1s = ik[0], i1c = ik[1], i2s = ik[2], i2c = ik[3], i3 = ik[4], i4 = ik[5], i5 = ik[6], i6s = ik[7],
            i6c = ik[8], i7 = ik[9], i8 = ik[10], i9 = ik[11];
        while (true)
        {
            double cd = 2 * rng.NextDouble() - 1;
            double cl = 2 * rng.NextDouble() - 1;
            double chi = Math.PI * (1 - 2 * rng.NextDouble()); // (−π, π]
            // W = sin²θ_D A + cos²θ_D B + sin2θ_D C (the f_k of §5.1 regrouped; double angles from single ones).
            double cd2 = cd * cd, sd2 = Math.Max(0, 1 - cd2), s2d = 2 * Math.Sqrt(sd2) * cd;
            double sl2 = Math.Max(0, 1 - cl * cl), sl = Math.Sqrt(sl2), c2l = 2 * cl * cl - 1, s2l = 2 * sl * cl;
            var (sx, cx) = Math.SinCos(chi);
            double a = i1s + i2s * c2l + i6s * cl + sl2 * (i3 * (cx * cx - sx * sx) + i9 * 2 * sx * cx);
            double b = i1c + i2c * c2l + i6c * cl;
            double c = s2l * (i4 * cx + i8 * sx) + sl * (i5 * cx + i7 * sx);
            double w = sd2 * a + cd2 * b + s2d * c;
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
