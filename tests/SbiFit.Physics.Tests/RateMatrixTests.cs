using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Physics.Tests;

/// <summary>Checks 24, 25 of physics-reference §10 (total-rate quadratic forms, §6.3).</summary>
public class RateMatrixTests
{
    [Fact]
    public void MuonRateMatrix() // check 24
    {
        double[,] expected =
        {
            { 1.0000, -0.8858, -0.0108, 0.0108, -0.2183 },
            { -0.8858, 1.0000, 0.0108, -0.0108, 0.3407 },
            { -0.0108, 0.0108, 0.0697, -0.0697, 0.0000 },
            { 0.0108, -0.0108, -0.0697, 0.0697, 0.0000 },
            { -0.2183, 0.3407, 0.0000, 0.0000, 13.953 },
        };
        var m = RateMatrix.Compute(Lepton.Muon, FormFactorsCln.Hflav2019);
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
            {
                double tol = i == 4 && j == 4 ? 0.02 : 1e-3;
                Assert.True(Math.Abs(m[i, j].Real - expected[i, j]) <= tol, $"M[{i},{j}] = {m[i, j]}");
                Assert.Equal(0.0, m[i, j].Imaginary, 12);
            }
    }

    [Fact]
    public void TauRateCoefficients() // check 25
    {
        var m = RateMatrix.Compute(Lepton.Tau, FormFactorsCln.Hflav2019);
        // Γ/Γ_SM = ... − 1.8132 Re[(1+V_L)V_R*] + 0.0464|S_R−S_L|² + 0.1247 Re[(1+V_L−V_R)(S_R−S_L)*]
        //          + 14.65|T_L|² − 4.977 Re[(1+V_L)T_L*] + 6.370 Re[V_R T_L*]
        Assert.Equal(-1.8132, 2 * m[0, 1].Real, 2e-3);
        Assert.Equal(0.0464, m[3, 3].Real, 2e-3);
        Assert.Equal(0.1247, 2 * m[0, 3].Real, 2e-3);
        Assert.Equal(14.65, m[4, 4].Real, 0.05);
        Assert.Equal(-4.977, 2 * m[0, 4].Real, 0.05);
        Assert.Equal(6.370, 2 * m[1, 4].Real, 0.05);
    }

    [Fact]
    public void MatrixReproducesDirectIntegrationForComplexCoefficients()
    {
        var c = new WilsonCoefficients(new(0.2, 0.1), new(0.3, -0.2), new(0.3, 0), new(-0.2, 0.5), new(0.25, -0.1));
        foreach (var lepton in new[] { Lepton.Electron, Lepton.Muon, Lepton.Tau })
        {
            var m = RateMatrix.Compute(lepton, FormFactorsCln.Hflav2019);
            var model = new DecayModel(lepton, FormFactorsCln.Hflav2019);
            Assert.Equal(model.TotalRate(c) / model.TotalRate(WilsonCoefficients.Sm), m.Ratio(c), 10);
            Assert.Equal(m[1, 4], Complex.Conjugate(m[4, 1]));
        }
    }
}
