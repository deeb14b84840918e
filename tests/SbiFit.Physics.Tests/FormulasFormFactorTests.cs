using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Physics.Tests;

/// <summary>Checks 1, 7, 8, 9, 23 of physics-reference §10.</summary>
public class FormulasFormFactorTests
{
    [Fact]
    public void Q2RangeOfMuonMode() // check 1
    {
        Assert.Equal(0.011164, Lepton.Muon.Q2Min(), 1e-5);
        Assert.Equal(10.68898, PhysicsConstants.Q2Max, 1e-5);
    }

    // §3.7: q², w, z, h_A1, V, A0, A1, A2, T1, T2, T3
    public static TheoryData<double[]> Table37 => new()
    {
        new[] { 0.000, 1.50356, 0.05608, 0.60679, 0.82979, 0.73806, 0.67890, 0.60570, 0.67890, 0.67890, 0.30447 },
        new[] { 3.000, 1.36223, 0.04159, 0.69150, 0.95401, 0.85217, 0.73000, 0.68390, 0.77367, 0.73000, 0.34698 },
        new[] { 6.000, 1.22090, 0.02619, 0.79243, 1.10464, 0.98961, 0.78650, 0.77433, 0.88660, 0.78650, 0.39762 },
        new[] { 9.000, 1.07957, 0.00975, 0.91653, 1.29285, 1.16009, 0.85178, 0.88226, 1.02544, 0.85178, 0.45989 },
        new[] { PhysicsConstants.Q2Max, 1.00000, 0.00000, 1.00000, 1.42091, 1.27547, 0.89379, 0.95324, 1.11883, 0.89379, 0.50178 },
    };

    [Theory]
    [MemberData(nameof(Table37))]
    public void ClnTableReproduced(double[] row) // check 7
    {
        var ff = FormFactorsCln.Hflav2019;
        double q2 = row[0];
        double w = FormFactorsCln.Recoil(q2);
        var v = ff.Evaluate(q2);
        double[] got = [w, FormFactorsCln.ConformalZ(w), ff.Ha1(w), v.V, v.A0, v.A1, v.A2, v.T1, v.T2, v.T3];
        for (int k = 0; k < got.Length; k++)
        {
            double expected = row[k + 1];
            // 1e-5 relative plus half a unit in the 5th decimal the table is rounded to (T3 at zero recoil is
            // 0.5017749 by the §3.3 formula; the table prints 0.50178).
            Assert.True(Math.Abs(got[k] - expected) <= 1e-5 * Math.Abs(expected) + 5e-6,
                $"column {k + 1} at q2={q2}: got {got[k]:F6}, expected {expected}");
        }
    }

    [Fact]
    public void TensorIdentityAtMaximalRecoil() // check 8
    {
        var v = FormFactorsCln.Hflav2019.Evaluate(0.0);
        Assert.Equal(1.0, v.T1 / v.T2, 12);
        var hq = new FormFactorsHeavyQuarkLimit().Evaluate(0.0);
        Assert.Equal(1.0, hq.T1 / hq.T2, 12);
    }

    [Fact]
    public void HelicityAmplitudesAtQ2Six() // check 9
    {
        var h = HelicityAmplitudes.Compute(6.0, PhysicsConstants.MassMuon, FormFactorsCln.Hflav2019.Evaluate(6.0), 5.11);
        Complex[] sm = h.Hadronic(WilsonCoefficients.Sm.ToVector());
        AssertRel(3.48058, sm[0].Real);
        AssertRel(7.98641, sm[1].Real);
        AssertRel(7.99833, sm[2].Real);
        AssertRel(6.00669, sm[3].Real);
        Complex[] unit = h.Hadronic([0, 0, 0, 1, 1]); // g_P = S_R − S_L = 1, T_L = 1
        AssertRel(2.87932, unit[4].Real);
        AssertRel(13.03408, unit[5].Real);
        AssertRel(2.27123, unit[6].Real);
        AssertRel(5.73350, unit[7].Real);
    }

    [Fact]
    public void LeftHandedCharmDominatesEverywhere() // check 23
    {
        var model = new DecayModel(Lepton.Muon, FormFactorsCln.Hflav2019);
        for (double q2 = 0.02; q2 < PhysicsConstants.Q2Max; q2 += 0.05)
        {
            var h = model.Amplitudes(q2).Hadronic(WilsonCoefficients.Sm.ToVector());
            Assert.True(h[1].Magnitude > h[0].Magnitude, $"|H-| <= |H+| at q2={q2}");
        }
    }

    private static void AssertRel(double expected, double actual, double rel = 1e-5) =>
        Assert.True(Math.Abs(actual / expected - 1) <= rel, $"expected {expected}, got {actual}");
}
