namespace SbiFit.Physics.Kinematics;

/// <summary>
/// The angle recipe of physics-reference §2.3: (q², cos θ_D, cos θ_ℓ, χ) from lab-frame four-momenta, plus the
/// Lorentz-invariant cross-checks, M²_miss and E*_μ.
/// <para>
/// B̄⁰ → D*⁺(D⁰π⁺)ℓ⁻ν̄ and B⁰ → D*⁻(D̄⁰π⁻)μ⁺ν use the same code (§2.5): for the B⁰ mode pass
/// (D̄⁰, π⁻, μ⁺, ν) in the roles (D, π, ℓ, ν); the result is then evaluated with the same Wilson coefficients.
/// </para>
/// </summary>
public static class AngleRecipe
{
    /// <summary>
    /// Applies §2.3 to lab four-momenta; p_B is taken as the sum of the four. For reconstructed data pass
    /// p_ν = p_B,est − p_D − p_π − p_ℓ. If q is not time-like (possible only for an estimated p_B) the W* frame does not
    /// exist and cos θ_ℓ falls back to the angle between ℓ and ẑ in the B frame.
    /// </summary>
    public static TruthPoint Compute(in FourVector pD, in FourVector pPi, in FourVector pL, in FourVector pNu)
    {
        FourVector pB = pD + pPi + pL + pNu;
        double mB = Math.Sqrt(pB.M2);
        FourVector d = pD.ToRestFrameOf(pB, mB);
        FourVector pi = pPi.ToRestFrameOf(pB, mB);
        FourVector l = pL.ToRestFrameOf(pB, mB);
        FourVector nu = pNu.ToRestFrameOf(pB, mB);

        FourVector q = l + nu;
        FourVector dStar = d + pi;
        double q2 = q.M2;
        Vec3 z = q.P3.Unit();

        // cos θ_ℓ in the W* (ℓν) rest frame.
        Vec3 lStar = q2 > 0 && q.E > 0 ? l.ToRestFrameOf(q, Math.Sqrt(q2)).P3 : l.P3;
        double cosL = lStar.Dot(z) / lStar.Norm;

        // cos θ_D in the D* rest frame, measured from −ẑ (the D* flight direction in the B frame).
        Vec3 dStarFrame = d.ToRestFrameOf(dStar, Math.Sqrt(dStar.M2)).P3;
        double cosD = -dStarFrame.Dot(z) / dStarFrame.Norm;

        // χ: azimuth of ℓ around ẑ relative to the D; transverse parts need no normalisation for atan2.
        Vec3 lv = l.P3, dv = d.P3;
        Vec3 lT = lv - lv.Dot(z) * z;
        Vec3 dT = dv - dv.Dot(z) * z;
        double chi = Math.Atan2(dT.Cross(lT).Dot(z), dT.Dot(lT));

        return new TruthPoint(q2, cosD, cosL, chi);
    }

    /// <summary>
    /// Covariant cos θ_ℓ = (p_ℓ·p_B − E_ℓ E_B)/(k P) with E_ℓ = p_ℓ·q/√q², E_B = p_B·q/√q², k = √(E_ℓ² − m_ℓ²),
    /// P = √(E_B² − m_B²), q = p_ℓ + p_ν (§2.3), no boosts. Evaluated in the algebraically identical projection form
    /// cos θ_ℓ = t·u/√((t·t)(u·u)), t = (p_ℓ − p_ν)_⊥q, u = (p_B)_⊥q, whose components are small in the lab, which avoids
    /// the large cancellations of E² − m² for strongly boosted events.
    /// </summary>
    public static double CosThetaLCovariant(in FourVector pB, in FourVector pL, in FourVector pNu) =>
        ProjectedCosine(pL, pNu, pB);

    /// <summary>
    /// Covariant cos θ_D = (p_D·p_B − E_D E'_B)/(k' P') with E_D = p_D·p_D*/m_D*, E'_B = p_B·p_D*/m_D*,
    /// k' = √(E_D² − m_D²), P' = √(E'_B² − m_B²), p_D* = p_D + p_π (§2.3), evaluated in the same projection form.
    /// </summary>
    public static double CosThetaDCovariant(in FourVector pB, in FourVector pD, in FourVector pPi) =>
        ProjectedCosine(pD, pPi, pB);

    /// <summary>
    /// In the rest frame of P = a + b: cosine of the angle between a⃗ and −(p⃗_B), written covariantly. t = a − b minus its
    /// projection on P is (0, 2a⃗*) there, u = p_B minus its projection is (0, p⃗*_B); hence cos = t·u/√((t·t)(u·u)).
    /// </summary>
    private static double ProjectedCosine(in FourVector a, in FourVector b, in FourVector pB)
    {
        FourVector p = a + b;
        double p2 = p.M2;
        FourVector r = a - b;
        FourVector t = r - ((a.M2 - b.M2) / p2) * p; // r·P = a² − b²
        FourVector u = pB - (pB.Dot(p) / p2) * p;
        return t.Dot(u) / Math.Sqrt(t.M2 * u.M2);
    }

    /// <summary>Missing mass squared M²_miss = (p_B − p_D − p_π − p_ℓ)² (exactly p_ν² = 0 with the true p_B).</summary>
    public static double MissingMass2(in FourVector pB, in FourVector pD, in FourVector pPi, in FourVector pL) =>
        (pB - pD - pPi - pL).M2;

    /// <summary>Lepton energy in the B rest frame, E*_ℓ = p_ℓ·p_B/m_B, with m_B taken from <paramref name="pB"/>.</summary>
    public static double LeptonEnergyInBFrame(in FourVector pB, in FourVector pL) => pL.Dot(pB) / Math.Sqrt(pB.M2);
}
