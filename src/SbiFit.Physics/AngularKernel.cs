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

    /// <summary>
    /// Packed Σ_k f_k Î_k[i][j] (overwrites <paramref name="packed"/>): with the channel 5-vectors V (7×5), the real part
    /// is Vᵀ S V and the imaginary part Vᵀ A V for the symmetric S and antisymmetric A 7×7 channel couplings.
    /// </summary>
    public static void AccumulateWeighted(in HelicityAmplitudes h, ReadOnlySpan<double> f, Span<double> packed)
    {
        Span<double> v = stackalloc double[Ch * 5];
        h.WriteChannelVectors(v);
        Span<double> sym = stackalloc double[Ch * Ch];
        Span<double> anti = stackalloc double[Ch * Ch];
        sym.Clear();
        anti.Clear();
        for (int t = 0; t < FirstImaginaryTerm; t++)
        {
            double a = 0.5 * TermCoef[t] * f[TermK[t]];
            sym[TermP[t] * Ch + TermQ[t]] += a;
            sym[TermQ[t] * Ch + TermP[t]] += a;
        }
        for (int t = FirstImaginaryTerm; t < TermK.Length; t++)
        {
            // Im(PQ*) as a Hermitian form has imaginary part −(p_i q_j − q_i p_j)/2.
            double a = 0.5 * TermCoef[t] * f[TermK[t]];
            anti[TermP[t] * Ch + TermQ[t]] -= a;
            anti[TermQ[t] * Ch + TermP[t]] += a;
        }
        Span<double> us = stackalloc double[Ch * 5]; // S V
        Span<double> ua = stackalloc double[Ch * 5]; // A V
        for (int p = 0; p < Ch; p++)
        {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0;
            for (int q = 0; q < Ch; q++)
            {
                double gs = sym[p * Ch + q], ga = anti[p * Ch + q];
                if (gs == 0 && ga == 0) continue;
                int o = q * 5;
                double v0 = v[o], v1 = v[o + 1], v2 = v[o + 2], v3 = v[o + 3], v4 = v[o + 4];
                s0 += gs * v0; s1 += gs * v1; s2 += gs * v2; s3 += gs * v3; s4 += gs * v4;
                a0 += ga * v0; a1 += ga * v1; a2 += ga * v2; a3 += ga * v3; a4 += ga * v4;
            }
            int op = p * 5;
            us[op] = s0; us[op + 1] = s1; us[op + 2] = s2; us[op + 3] = s3; us[op + 4] = s4;
            ua[op] = a0; ua[op + 1] = a1; ua[op + 2] = a2; ua[op + 3] = a3; ua[op + 4] = a4;
        }
        int idx = 0;
        for (int i = 0; i < 5; i++)
            for (int j = i; j < 5; j++)
            {
                double s = 0;
                for (int p = 0; p < Ch; p++) s += v[p * 5 + i] * us[p * 5 + j];
                packed[idx++] = s;
            }
        for (int i = 0; i < 5; i++)
            for (int j = i + 1; j < 5; j++)
            {
                double s = 0;
                for (int p = 0; p < Ch; p++) s += v[p * 5 + i] * ua[p * 5 + j];
                packed[idx++] = s;
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
