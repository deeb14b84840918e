namespace SbiFit.Physics;

/// <summary>
/// Allocation-free real-arithmetic kernels behind the per-event weight matrix and the sampler's envelope (hot paths of
/// generation). Exact: no tabulation, only a different association of the same sums as the reference routines in
/// <see cref="AngularCoefficients"/> (tests compare both).
/// </summary>
internal static class AngularKernel
{
    private const int Ch = HelicityAmplitudes.Channels;

    // Flattened §5.1 term table: Σ_k f_k Î_k = Σ_t coef_t f_{K_t} {Re, Im}(P_t Q_t*).
    private static readonly int[] TermK = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 8, 9, 9, 9, 9, 10, 10, 10, 10, 11, 11];
    private static readonly int[] TermP = [0, 1, 3, 4, 2, 5, 6, 0, 1, 3, 4, 2, 5, 0, 3, 0, 1, 3, 4, 0, 1, 3, 4, 0, 1, 5, 0, 1, 3, 4, 0, 1, 3, 4, 0, 3];
    private static readonly int[] TermQ = [0, 1, 3, 4, 2, 5, 6, 0, 1, 3, 4, 2, 5, 1, 4, 2, 2, 5, 5, 2, 2, 6, 6, 0, 1, 6, 2, 2, 6, 6, 2, 2, 5, 5, 1, 4];
    private static readonly double[] TermCoef =
    [
        3.0 / 8, 3.0 / 8, 1.0 / 8, 1.0 / 8, 0.5, 0.5, 1.0, 1.0 / 8, 1.0 / 8, -1.0 / 8, -1.0 / 8, -0.5, 0.5, -0.5, 0.5,
        0.25, 0.25, -0.25, -0.25, -0.5, 0.5, 0.5, 0.5, -0.5, 0.5, -2.0, 0.5, 0.5, -0.5, 0.5, -0.25, 0.25, 0.25, -0.25, 0.5, -0.5,
    ];
    private const int FirstImaginaryTerm = 26; // terms 26.. are Im(P Q*) (I₇, I₈, I₉)

    // Distinct channel pairs (P ≤ Q) of the table and, per term, its pair slot.
    private static readonly int[] PairP, PairQ, TermSlot;

    static AngularKernel()
    {
        var pairs = new List<(int, int)>();
        TermSlot = new int[TermK.Length];
        for (int t = 0; t < TermK.Length; t++)
        {
            int s = pairs.IndexOf((TermP[t], TermQ[t]));
            if (s < 0) { s = pairs.Count; pairs.Add((TermP[t], TermQ[t])); }
            TermSlot[t] = s;
        }
        PairP = pairs.Select(x => x.Item1).ToArray();
        PairQ = pairs.Select(x => x.Item2).ToArray();
        // Row-wise adjacency of the channel couplings: S_PQ = S_QP = re/2 (S_PP = re), A_PQ = −im/2, A_QP = +im/2.
        var rows = Enumerable.Range(0, Ch).Select(_ => new List<(int Q, int Slot, double Sym, double Anti)>()).ToArray();
        for (int t = 0; t < PairP.Length; t++)
        {
            int pp = PairP[t], qq = PairQ[t];
            if (pp == qq) { rows[pp].Add((qq, t, 1.0, 0.0)); continue; }
            rows[pp].Add((qq, t, 0.5, -0.5));
            rows[qq].Add((pp, t, 0.5, 0.5));
        }
        AdjStart = new int[Ch + 1];
        for (int r = 0; r < Ch; r++) AdjStart[r + 1] = AdjStart[r] + rows[r].Count;
        var all = rows.SelectMany(x => x).ToArray();
        AdjQ = all.Select(x => x.Q * 5).ToArray();
        AdjSlot = all.Select(x => x.Slot).ToArray();
        AdjSym = all.Select(x => x.Sym).ToArray();
        AdjAnti = all.Select(x => x.Anti).ToArray();
    }

    private static readonly int[] AdjStart, AdjQ, AdjSlot;
    private static readonly double[] AdjSym, AdjAnti;

    /// <summary>
    /// Packed Σ_k f_k Î_k[i][j] (overwrites <paramref name="packed"/>): with the channel 5-vectors V (7×5), the real part
    /// is Vᵀ S V and the imaginary part Vᵀ A V for the symmetric S and antisymmetric A channel couplings, built pair by
    /// pair from the §5.1 table and applied row by row in registers (stack buffers: this is the per-event hot path).
    /// </summary>
    public static unsafe void AccumulateWeighted(in HelicityAmplitudes h, ReadOnlySpan<double> f, Span<double> packed)
    {
        if (f.Length < 12 || packed.Length < 25) throw new ArgumentException("need 12 angular functions and 25 outputs");
        double* v = stackalloc double[Ch * 5];
        h.WriteChannelVectors(new Span<double>(v, Ch * 5));
        int nPairs = PairP.Length;
        double* gs = stackalloc double[nPairs];
        double* ga = stackalloc double[nPairs];
        for (int s = 0; s < nPairs; s++) { gs[s] = 0; ga[s] = 0; }
        for (int t = 0; t < FirstImaginaryTerm; t++) gs[TermSlot[t]] += TermCoef[t] * f[TermK[t]];
        for (int t = FirstImaginaryTerm; t < TermK.Length; t++) ga[TermSlot[t]] += TermCoef[t] * f[TermK[t]];
        double* us = stackalloc double[Ch * 5]; // S V
        double* ua = stackalloc double[Ch * 5]; // A V
        for (int p = 0; p < Ch; p++)
        {
            // Row p of S V and A V accumulated in registers (no store-to-load chains through the buffers).
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0;
            for (int e = AdjStart[p]; e < AdjStart[p + 1]; e++)
            {
                double* vq = v + AdjQ[e];
                double r = AdjSym[e] * gs[AdjSlot[e]], m = AdjAnti[e] * ga[AdjSlot[e]];
                s0 += r * vq[0]; s1 += r * vq[1]; s2 += r * vq[2]; s3 += r * vq[3]; s4 += r * vq[4];
                a0 += m * vq[0]; a1 += m * vq[1]; a2 += m * vq[2]; a3 += m * vq[3]; a4 += m * vq[4];
            }
            double* up = us + p * 5, uq = ua + p * 5;
            up[0] = s0; up[1] = s1; up[2] = s2; up[3] = s3; up[4] = s4;
            uq[0] = a0; uq[1] = a1; uq[2] = a2; uq[3] = a3; uq[4] = a4;
        }
        int idx = 0;
        for (int i = 0; i < 5; i++)
            for (int j = i; j < 5; j++)
            {
                double acc = 0;
                for (int c = 0; c < Ch * 5; c += 5) acc += v[c + i] * us[c + j];
                packed[idx++] = acc;
            }
        for (int i = 0; i < 5; i++)
            for (int j = i + 1; j < 5; j++)
            {
                double acc = 0;
                for (int c = 0; c < Ch * 5; c += 5) acc += v[c + i] * ua[c + j];
                packed[idx++] = acc;
            }
    }

    /// <summary>
    /// A rigorous upper bound of W = Σ_k I_k f_k over all angles, much tighter than Σ_k |I_k|: W is the quadratic form
    /// (sinθ_D, cosθ_D) [[A, C], [C, B]] (sinθ_D, cosθ_D)ᵀ with A(θ_ℓ, χ), B(θ_ℓ), C(θ_ℓ, χ), so W ≤ its largest
    /// eigenvalue, which grows with A, B and |C|; A and B are bounded by the exact maxima of quadratics in cosθ_ℓ.
    /// </summary>
    public static double EnvelopeBound(ReadOnlySpan<double> ik)
    {
        // A = I1s + I2s cos2θ_ℓ + I6s cosθ_ℓ + sin²θ_ℓ (I3 cos2χ + I9 sin2χ), B = I1c + I2c cos2θ_ℓ + I6c cosθ_ℓ,
        // C = sin2θ_ℓ (I4 cosχ + I8 sinχ) + sinθ_ℓ (I5 cosχ + I7 sinχ).
        double r39 = Math.Sqrt(ik[4] * ik[4] + ik[11] * ik[11]);
        double aMax = MaxQuadratic(2 * ik[2] - r39, ik[7], ik[0] - ik[2] + r39);
        double bMax = MaxQuadratic(2 * ik[3], ik[8], ik[1] - ik[3]);
        double cMax = Math.Sqrt(ik[5] * ik[5] + ik[10] * ik[10]) + Math.Sqrt(ik[6] * ik[6] + ik[9] * ik[9]);
        double half = 0.5 * (aMax - bMax);
        double bound = 0.5 * (aMax + bMax) + Math.Sqrt(half * half + cMax * cMax);
        return bound * (1 + 1e-12); // guard against rounding at the exact maximum
    }

    /// <summary>max over x ∈ [−1, 1] of a x² + b x + c.</summary>
    internal static double MaxQuadratic(double a, double b, double c)
    {
        double m = Math.Max(a - b + c, a + b + c);
        if (a < 0)
        {
            double x = -b / (2 * a);
            if (x > -1 && x < 1) m = Math.Max(m, c - b * b / (4 * a));
        }
        return m;
    }
}
