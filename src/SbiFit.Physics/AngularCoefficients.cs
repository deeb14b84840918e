using System.Numerics;

namespace SbiFit.Physics;

/// <summary>The twelve angular coefficients I_k of physics-reference §5.1, in storage order.</summary>
public enum AngularTerm
{
    /// <summary>I₁s, f = sin²θ_D.</summary>
    I1s,
    /// <summary>I₁c, f = cos²θ_D.</summary>
    I1c,
    /// <summary>I₂s, f = sin²θ_D cos2θ_ℓ.</summary>
    I2s,
    /// <summary>I₂c, f = cos²θ_D cos2θ_ℓ.</summary>
    I2c,
    /// <summary>I₃, f = sin²θ_D sin²θ_ℓ cos2χ.</summary>
    I3,
    /// <summary>I₄, f = sin2θ_D sin2θ_ℓ cosχ.</summary>
    I4,
    /// <summary>I₅, f = sin2θ_D sinθ_ℓ cosχ.</summary>
    I5,
    /// <summary>I₆s, f = sin²θ_D cosθ_ℓ.</summary>
    I6s,
    /// <summary>I₆c, f = cos²θ_D cosθ_ℓ.</summary>
    I6c,
    /// <summary>I₇, f = sin2θ_D sinθ_ℓ sinχ.</summary>
    I7,
    /// <summary>I₈, f = sin2θ_D sin2θ_ℓ sinχ.</summary>
    I8,
    /// <summary>I₉, f = sin²θ_D sin²θ_ℓ sin2χ.</summary>
    I9,
}

/// <summary>
/// Angular coefficients Î_k (§5.1, without the normalisation 𝒩(q²)) as functions of complex WCs and as Hermitian
/// 5×5 matrices (§6.2), plus the angular functions f_k.
/// </summary>
public static class AngularCoefficients
{
    /// <summary>Number of angular terms.</summary>
    public const int Count = 12;

    // Channels: 0 N+, 1 N-, 2 N0, 3 F+, 4 F-, 5 F0, 6 Ft. Each term is coef · Re(P Q*) or coef · Im(P Q*).
    private readonly record struct Term(int K, int P, int Q, bool Imag, double Coef);

    private static readonly Term[] Terms =
    [
        new(0, 0, 0, false, 3.0 / 8), new(0, 1, 1, false, 3.0 / 8), new(0, 3, 3, false, 1.0 / 8), new(0, 4, 4, false, 1.0 / 8),
        new(1, 2, 2, false, 0.5), new(1, 5, 5, false, 0.5), new(1, 6, 6, false, 1.0),
        new(2, 0, 0, false, 1.0 / 8), new(2, 1, 1, false, 1.0 / 8), new(2, 3, 3, false, -1.0 / 8), new(2, 4, 4, false, -1.0 / 8),
        new(3, 2, 2, false, -0.5), new(3, 5, 5, false, 0.5),
        new(4, 0, 1, false, -0.5), new(4, 3, 4, false, 0.5),
        new(5, 0, 2, false, 0.25), new(5, 1, 2, false, 0.25), new(5, 3, 5, false, -0.25), new(5, 4, 5, false, -0.25),
        new(6, 0, 2, false, -0.5), new(6, 1, 2, false, 0.5), new(6, 3, 6, false, 0.5), new(6, 4, 6, false, 0.5),
        new(7, 0, 0, false, -0.5), new(7, 1, 1, false, 0.5),
        new(8, 5, 6, false, -2.0),
        new(9, 0, 2, true, 0.5), new(9, 1, 2, true, 0.5), new(9, 3, 6, true, -0.5), new(9, 4, 6, true, 0.5),
        new(10, 0, 2, true, -0.25), new(10, 1, 2, true, 0.25), new(10, 3, 5, true, 0.25), new(10, 4, 5, true, -0.25),
        new(11, 0, 1, true, 0.5), new(11, 3, 4, true, -0.5),
    ];

    // Distinct channel pairs (P ≤ Q) and, per term, the pair it belongs to: lets a weighted sum Σ_k f_k Î_k be
    // accumulated with one bilinear form per pair.
    private static readonly (int P, int Q)[] Pairs = Terms.Select(t => (t.P, t.Q)).Distinct().ToArray();
    private static readonly int[] TermPair = Terms.Select(t => Array.IndexOf(Pairs, (t.P, t.Q))).ToArray();

    /// <summary>Number of distinct channel pairs (scratch size for the weighted accumulation).</summary>
    internal static int PairCount => Pairs.Length;

    /// <summary>Î_k(c) for complex coefficients c (12 values, order of <see cref="AngularTerm"/>).</summary>
    public static void Evaluate(in HelicityAmplitudes h, ReadOnlySpan<Complex> c, Span<double> ihat)
    {
        // Hand-expanded §5.1 table in real arithmetic (hot path of the sampler); the term table above is the
        // reference used for the matrices, and the tests check both against each other.
        Complex gV = c[0] + c[1], gA = c[0] - c[1], gP = c[3] - c[2], t = c[4];
        double r = h.R;
        Complex hp = gA * h.XA - gV * h.XV, hm = gA * h.XA + gV * h.XV, h0 = gA * h.X0;
        Complex tp = t * h.XTp, tm = t * h.XTm, t0 = t * h.XT0;
        Complex np = hp - 4 * r * tp, nm = hm - 4 * r * tm, n0 = h0 - 4 * r * t0;
        Complex fp = r * hp - 4 * tp, fm = r * hm - 4 * tm, f0 = r * h0 - 4 * t0;
        Complex ft = r * gA * h.Xt + gP * h.XS;
        double nn = Sq(np) + Sq(nm), ff = Sq(fp) + Sq(fm), nn0 = Sq(n0), ff0 = Sq(f0);
        ihat[0] = 0.375 * nn + 0.125 * ff;
        ihat[1] = 0.5 * (nn0 + ff0) + Sq(ft);
        ihat[2] = 0.125 * (nn - ff);
        ihat[3] = 0.5 * (ff0 - nn0);
        ihat[4] = 0.5 * (Re(fp, fm) - Re(np, nm));
        ihat[5] = 0.25 * (Re(np, n0) + Re(nm, n0) - Re(fp, f0) - Re(fm, f0));
        ihat[6] = 0.5 * (Re(nm, n0) - Re(np, n0) + Re(fp, ft) + Re(fm, ft));
        ihat[7] = 0.5 * (Sq(nm) - Sq(np));
        ihat[8] = -2 * Re(f0, ft);
        ihat[9] = 0.5 * (Im(np, n0) + Im(nm, n0) - Im(fp, ft) + Im(fm, ft));
        ihat[10] = 0.25 * (Im(nm, n0) - Im(np, n0) + Im(fp, f0) - Im(fm, f0));
        ihat[11] = 0.5 * (Im(np, nm) - Im(fp, fm));
    }

    private static double Sq(Complex z) => z.Real * z.Real + z.Imaginary * z.Imaginary;
    private static double Re(Complex p, Complex q) => p.Real * q.Real + p.Imaginary * q.Imaginary;   // Re(p q*)
    private static double Im(Complex p, Complex q) => p.Imaginary * q.Real - p.Real * q.Imaginary;   // Im(p q*)

    /// <summary>Reference evaluation of Î_k(c) straight from the term table (used by tests).</summary>
    internal static void EvaluateFromTable(in HelicityAmplitudes h, ReadOnlySpan<Complex> c, Span<double> ihat)
    {
        Span<Complex> amp = stackalloc Complex[HelicityAmplitudes.Channels];
        ChannelAmplitudes(h, c, amp);
        ihat[..Count].Clear();
        foreach (var t in Terms)
        {
            Complex pq = amp[t.P] * Complex.Conjugate(amp[t.Q]);
            ihat[t.K] += t.Coef * (t.Imag ? pq.Imaginary : pq.Real);
        }
    }

    /// <summary>N₊, N₋, N₀, F₊, F₋, F₀, F_t for coefficients c.</summary>
    private static void ChannelAmplitudes(in HelicityAmplitudes h, ReadOnlySpan<Complex> c, Span<Complex> amp)
    {
        Span<double> v = stackalloc double[HelicityAmplitudes.Channels * 5];
        h.WriteChannelVectors(v);
        for (int ch = 0; ch < amp.Length; ch++)
        {
            Complex s = Complex.Zero;
            for (int i = 0; i < 5; i++) s += c[i] * v[ch * 5 + i];
            amp[ch] = s;
        }
    }

    /// <summary>
    /// Lepton-helicity-separated rates in units of 𝒩 (§5.3): λ_ℓ = −½: ½(|N₊|² + |N₋|² + |N₀|²);
    /// λ_ℓ = +½: ¼(|F₊|² + |F₋|² + |F₀|²) + ¾|F_t|².
    /// </summary>
    internal static (double Negative, double Positive) LeptonHelicityRates(in HelicityAmplitudes h, ReadOnlySpan<Complex> c)
    {
        Span<Complex> a = stackalloc Complex[HelicityAmplitudes.Channels];
        ChannelAmplitudes(h, c, a);
        return (0.5 * (Sq(a[0]) + Sq(a[1]) + Sq(a[2])), 0.25 * (Sq(a[3]) + Sq(a[4]) + Sq(a[5])) + 0.75 * Sq(a[6]));
    }

    /// <summary>
    /// The Hermitian matrices Î_k[i][j] (Î_k(c) = Σ_ij c_i c_j* Î_k[i][j]) in the packed layout of
    /// <see cref="WeightMatrixLayout"/>: 12 rows of 25 numbers.
    /// </summary>
    public static double[][] PackedMatrices(in HelicityAmplitudes h)
    {
        var result = new double[Count][];
        Span<double> f = stackalloc double[Count];
        for (int k = 0; k < Count; k++)
        {
            f.Clear();
            f[k] = 1;
            result[k] = new double[WeightMatrixLayout.PackedLength];
            AccumulateWeighted(h, f, result[k]);
        }
        return result;
    }

    /// <summary>Writes packed Σ_k f_k Î_k[i][j] (overwrites <paramref name="packed"/>); fast kernel.</summary>
    internal static void AccumulateWeighted(in HelicityAmplitudes h, ReadOnlySpan<double> f, Span<double> packed) =>
        AngularKernel.AccumulateWeighted(h, f, packed);

    /// <summary>Reference (pair-by-pair) form of <see cref="AccumulateWeighted"/>, kept for the tests.</summary>
    internal static void AccumulateWeightedReference(in HelicityAmplitudes h, ReadOnlySpan<double> f, Span<double> packed)
    {
        Span<double> v = stackalloc double[HelicityAmplitudes.Channels * 5];
        h.WriteChannelVectors(v);
        Span<double> aRe = stackalloc double[Pairs.Length];
        Span<double> aIm = stackalloc double[Pairs.Length];
        aRe.Clear();
        aIm.Clear();
        for (int t = 0; t < Terms.Length; t++)
        {
            ref readonly Term term = ref Terms[t];
            double a = term.Coef * f[term.K];
            if (term.Imag) aIm[TermPair[t]] += a; else aRe[TermPair[t]] += a;
        }
        packed[..WeightMatrixLayout.PackedLength].Clear();
        for (int pr = 0; pr < Pairs.Length; pr++)
        {
            double re = aRe[pr], im = aIm[pr];
            if (re == 0 && im == 0) continue;
            var p = v.Slice(Pairs[pr].P * 5, 5);
            var q = v.Slice(Pairs[pr].Q * 5, 5);
            // Re(PQ*) → (p_i q_j + q_i p_j)/2 ; Im(PQ*) → (p_i q_j − q_i p_j)/(2i), whose imaginary part is −(p_i q_j − q_i p_j)/2.
            int idx = 0;
            for (int i = 0; i < 5; i++)
                for (int j = i; j < 5; j++)
                    packed[idx++] += 0.5 * re * (p[i] * q[j] + q[i] * p[j]);
            if (im == 0) continue;
            for (int i = 0; i < 5; i++)
                for (int j = i + 1; j < 5; j++)
                    packed[idx++] -= 0.5 * im * (p[i] * q[j] - q[i] * p[j]);
        }
    }

    /// <summary>Angular functions f_k(θ_D, θ_ℓ, χ) of §5.1 at a phase-space point (12 values).</summary>
    public static void AngularFunctions(double cosThetaD, double cosThetaL, double chi, Span<double> f)
    {
        double cd2 = cosThetaD * cosThetaD, sd2 = Math.Max(0, 1 - cd2);
        double s2d = 2 * Math.Sqrt(sd2) * cosThetaD;
        double cl = cosThetaL, sl2 = Math.Max(0, 1 - cl * cl), sl = Math.Sqrt(sl2);
        double c2l = 2 * cl * cl - 1, s2l = 2 * sl * cl;
        var (sx, cx) = Math.SinCos(chi);
        double c2x = cx * cx - sx * sx, s2x = 2 * sx * cx;
        f[0] = sd2;
        f[1] = cd2;
        f[2] = sd2 * c2l;
        f[3] = cd2 * c2l;
        f[4] = sd2 * sl2 * c2x;
        f[5] = s2d * s2l * cx;
        f[6] = s2d * sl * cx;
        f[7] = sd2 * cl;
        f[8] = cd2 * cl;
        f[9] = s2d * sl * sx;
        f[10] = s2d * s2l * sx;
        f[11] = sd2 * sl2 * s2x;
    }

    /// <summary>dΓ/dq² in units of 𝒩: (3/4)(2Î₁s + Î₁c) − (1/4)(2Î₂s + Î₂c) (§6.1).</summary>
    public static double AngleIntegrated(ReadOnlySpan<double> ihat) =>
        0.75 * (2 * ihat[0] + ihat[1]) - 0.25 * (2 * ihat[2] + ihat[3]);
}
