using System.Numerics;

namespace SbiFit.Physics;

/// <summary>
/// The real, q²-dependent building blocks of the helicity amplitudes of physics-reference §4 and §6.2
/// (H = Σ_i c_i h_i with c = (1+V_L, V_R, S_L, S_R, T_L)). Form factors are taken with h_A1(1) = 1.
/// </summary>
/// <param name="XA">X_A = (m_B+m_V) A₁.</param>
/// <param name="XV">X_V = λ^{1/2} V/(m_B+m_V).</param>
/// <param name="X0">X₀ = H₀ at g_A = 1.</param>
/// <param name="Xt">X_t = H_t at g_A = 1.</param>
/// <param name="XS">X_S = H_S at g_P = 1.</param>
/// <param name="XTp">H_T+ at T_L = 1.</param>
/// <param name="XTm">H_T− at T_L = 1.</param>
/// <param name="XT0">H_T0 at T_L = 1.</param>
/// <param name="R">r = m_ℓ/√q².</param>
public readonly record struct HelicityAmplitudes(
    double XA, double XV, double X0, double Xt, double XS, double XTp, double XTm, double XT0, double R)
{
    /// <summary>Number of lepton-helicity amplitudes N₊, N₋, N₀, F₊, F₋, F₀, F_t.</summary>
    internal const int Channels = 7;

    /// <summary>Evaluates the building blocks at q² for a lepton of mass <paramref name="leptonMass"/>.</summary>
    public static HelicityAmplitudes Compute(double q2, double leptonMass, in FormFactorValues ff, double quarkMassSum)
    {
        const double mB = PhysicsConstants.MassB0, mV = PhysicsConstants.MassDstar;
        const double mB2 = mB * mB, mV2 = mV * mV, mSum = mB + mV;
        double lam = Math.Max(0.0, FormulaMath.Kallen(mB2, mV2, q2));
        double sqrtLam = Math.Sqrt(lam);
        double sq = Math.Sqrt(q2);
        double xa = mSum * ff.A1;
        double xv = sqrtLam * ff.V / mSum;
        double x0 = (mSum * (mB2 - mV2 - q2) * ff.A1 - lam * ff.A2 / mSum) / (2 * mV * sq);
        double xt = sqrtLam * ff.A0 / sq;
        double xs = sqrtLam * ff.A0 / quarkMassSum;
        double xtp = (sqrtLam * ff.T1 + (mB2 - mV2) * ff.T2) / sq;
        double xtm = (-sqrtLam * ff.T1 + (mB2 - mV2) * ff.T2) / sq;
        double xt0 = ((mB2 + 3 * mV2 - q2) * ff.T2 - lam * ff.T3 / (mB2 - mV2)) / (2 * mV);
        return new HelicityAmplitudes(xa, xv, x0, xt, xs, xtp, xtm, xt0, leptonMass / sq);
    }

    /// <summary>
    /// Writes the coefficient 5-vectors of N₊, N₋, N₀, F₊, F₋, F₀, F_t (7 × 5 reals, §4 and §6.2):
    /// n_λ = h_λ − 4r h_Tλ, f_λ = r h_λ − 4 h_Tλ, f_t = r h_t + h_S.
    /// </summary>
    public void WriteChannelVectors(Span<double> v)
    {
        v[..(Channels * 5)].Clear();
        double hp0 = XA - XV, hp1 = -XA - XV, hm0 = XA + XV, hm1 = -XA + XV;
        Set(v, 0, hp0, hp1, 0, 0, -4 * R * XTp);
        Set(v, 1, hm0, hm1, 0, 0, -4 * R * XTm);
        Set(v, 2, X0, -X0, 0, 0, -4 * R * XT0);
        Set(v, 3, R * hp0, R * hp1, 0, 0, -4 * XTp);
        Set(v, 4, R * hm0, R * hm1, 0, 0, -4 * XTm);
        Set(v, 5, R * X0, -R * X0, 0, 0, -4 * XT0);
        Set(v, 6, R * Xt, -R * Xt, -XS, XS, 0);
    }

    private static void Set(Span<double> v, int ch, double a, double b, double c, double d, double e)
    {
        int o = ch * 5;
        v[o] = a; v[o + 1] = b; v[o + 2] = c; v[o + 3] = d; v[o + 4] = e;
    }

    /// <summary>Hadronic amplitudes (H₊, H₋, H₀, H_t, H_S, H_T+, H_T−, H_T0) for coefficients c.</summary>
    public Complex[] Hadronic(ReadOnlySpan<Complex> c)
    {
        Complex gV = c[0] + c[1], gA = c[0] - c[1], gP = c[3] - c[2];
        return
        [
            gA * XA - gV * XV, gA * XA + gV * XV, gA * X0, gA * Xt, gP * XS, c[4] * XTp, c[4] * XTm, c[4] * XT0,
        ];
    }
}

/// <summary>Small kinematic helpers shared by the rate formulas.</summary>
internal static class FormulaMath
{
    /// <summary>Källén function λ(a, b, c).</summary>
    public static double Kallen(double a, double b, double c) => a * a + b * b + c * c - 2 * (a * b + a * c + b * c);
}
