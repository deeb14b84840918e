using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Physics.Tests;

/// <summary>Checks 10, 11, 12, 33, 34, 35 of physics-reference §10.</summary>
public class FormulasAngularTests
{
    private static readonly DecayModel Muon = new(Lepton.Muon, FormFactorsCln.Hflav2019);

    [Fact]
    public void NormalisedAngularCoefficientsAtQ2Six() // check 10 (§7.1)
    {
        Span<double> ik = stackalloc double[12];
        Muon.AngularCoefficients(6.0, WilsonCoefficients.Sm.ToVector(), ik);
        double rate = Muon.DifferentialRate(6.0, WilsonCoefficients.Sm);
        double[] expected = [0.40655, 0.45843, 0.13518, -0.45577, -0.19804, 0.32671, 0.25815, 0.36879, -0.00255, 0, 0, 0];
        for (int k = 0; k < 12; k++)
            Assert.True(Math.Abs(ik[k] / rate - expected[k]) <= 1e-4, $"{(AngularTerm)k}: {ik[k] / rate}");
    }

    [Theory]
    [InlineData(Lepton.Muon, 0.5)]
    [InlineData(Lepton.Muon, 7.3)]
    [InlineData(Lepton.Tau, 5.0)]
    public void AngularIntegralEqualsDifferentialRate(Lepton lepton, double q2) // check 11
    {
        var model = new DecayModel(lepton, FormFactorsCln.Hflav2019);
        var c = new WilsonCoefficients(new(0.2, 0.1), new(0.3, -0.2), new(0.3, 0), new(-0.2, 0.5), new(0.25, -0.1));
        var gl = new GaussLegendre(8);
        const int nChi = 16;
        double sum = 0;
        for (int a = 0; a < 8; a++)
            for (int b = 0; b < 8; b++)
                for (int m = 0; m < nChi; m++)
                {
                    double chi = -Math.PI + 2 * Math.PI * (m + 0.5) / nChi;
                    var x = new TruthPoint(q2, 2 * gl.Nodes[a] - 1, 2 * gl.Nodes[b] - 1, chi);
                    sum += 4 * gl.Weights[a] * gl.Weights[b] * (2 * Math.PI / nChi) * model.FourFoldRate(x, c);
                }
        Assert.Equal(1.0, sum / model.DifferentialRate(q2, c), 8);
    }

    [Theory]
    [InlineData(1.05)]
    [InlineData(1.2)]
    [InlineData(1.45)]
    public void MasslessLimitMatchesClnTextbook(double w) // check 12
    {
        var ff = FormFactorsCln.Hflav2019;
        var model = new DecayModel(0.0, ff);
        const double mB = PhysicsConstants.MassB0, mV = PhysicsConstants.MassDstar;
        double q2 = mB * mB + mV * mV - 2 * mB * mV * w;
        double r = mV / mB, wm1 = w - 1;
        double r1 = ff.R1 - 0.12 * wm1 + 0.05 * wm1 * wm1;
        double r2 = ff.R2 + 0.11 * wm1 - 0.06 * wm1 * wm1;
        double ha1 = ff.Ha1(w) * ff.Normalisation;
        double gf = PhysicsConstants.FermiConstant;
        double textbook = gf * gf / (48 * Math.Pow(Math.PI, 3)) * Math.Pow(mV, 3) * Math.Pow(mB - mV, 2)
            * Math.Sqrt(w * w - 1) * Math.Pow(w + 1, 2) * ha1 * ha1
            * (2 * (1 - 2 * w * r + r * r) / Math.Pow(1 - r, 2) * (1 + r1 * r1 * wm1 / (w + 1))
               + Math.Pow(1 + (1 - r2) * wm1 / (1 - r), 2));
        double ours = 2 * mB * mV * model.DifferentialRate(q2, WilsonCoefficients.Sm);
        Assert.Equal(1.0, ours / textbook, 10);
    }

    [Fact]
    public void TOddCoefficientsVanishForRealCoefficients() // check 33
    {
        var c = new WilsonCoefficients(0.1, -0.4, 0.3, -0.2, 0.15);
        Span<double> ik = stackalloc double[12];
        foreach (var lepton in new[] { Lepton.Muon, Lepton.Tau })
        {
            var model = new DecayModel(lepton, FormFactorsCln.Hflav2019);
            model.AngularCoefficients(6.0, c.ToVector(), ik);
            double rate = model.DifferentialRate(6.0, c);
            for (int k = 9; k < 12; k++) Assert.True(Math.Abs(ik[k] / rate) <= 1e-12, $"{(AngularTerm)k} = {ik[k]}");
        }
        // and they do not vanish for complex ones (the check can fail)
        Muon.AngularCoefficients(6.0, new WilsonCoefficients(0, new(0, 0.3), 0, 0, 0).ToVector(), ik);
        Assert.True(Math.Abs(ik[(int)AngularTerm.I7]) + Math.Abs(ik[(int)AngularTerm.I8]) + Math.Abs(ik[(int)AngularTerm.I9]) > 0);
    }

    [Theory] // check 34 (§1.3)
    [InlineData("V_qRlL=0.5", 0.318940)]
    [InlineData("V_qRlL=-0.5", 2.181060)]
    [InlineData("S_qLlL=0.5", 1.003971)]
    [InlineData("S_qRlL=0.5", 1.008946)]
    [InlineData("T_qLlL=0.3", 1.808943)]
    [InlineData("T_qLlL=0.2i", 1.414153)]
    [InlineData("V_qLlL=0.2+0.1i, V_qRlL=0.3-0.2i, S_qLlL=0.3, S_qRlL=-0.2+0.5i, T_qLlL=0.25-0.1i", 1.636633)]
    public void HeavyQuarkLimitRatiosMatchHammer(string wcs, double expected)
    {
        var model = new DecayModel(Lepton.Muon, new FormFactorsHeavyQuarkLimit());
        double ratio = model.DifferentialRate(8.0, WilsonCoefficients.Parse(wcs)) / model.DifferentialRate(8.0, WilsonCoefficients.Sm);
        Assert.True(Math.Abs(ratio / expected - 1) <= 1e-6, $"{wcs}: {ratio:F7} vs {expected}");
    }

    [Fact]
    public void ZeroTensorSchemeMakesTensorInert() // check 35
    {
        var hammerLike = new DecayModel(Lepton.Muon, FormFactorsCln.HammerLike);
        var tl = new WilsonCoefficients(0, 0, 0, 0, new(0.4, 0.2));
        foreach (double q2 in new[] { 1.0, 5.0, 10.0 })
            Assert.Equal(hammerLike.DifferentialRate(q2, WilsonCoefficients.Sm), hammerLike.DifferentialRate(q2, tl), 15);
        Assert.Equal(1.0, RateMatrix.Compute(Lepton.Muon, FormFactorsCln.HammerLike).Ratio(tl), 12);
        // with our default (non-zero tensor form factors) T_L matters
        Assert.True(RateMatrix.Compute(Lepton.Muon, FormFactorsCln.Hflav2019).Ratio(tl) > 1.5);
    }
}

public class FormulasAngularCrossCheckTests
{
    [Fact]
    public void ExpandedCoefficientsEqualTermTableAndMatrices()
    {
        var rng = new Rng(11);
        Span<double> fast = stackalloc double[12];
        Span<double> table = stackalloc double[12];
        foreach (var lepton in new[] { Lepton.Muon, Lepton.Tau })
        {
            var model = new DecayModel(lepton, FormFactorsCln.Hflav2019);
            for (int n = 0; n < 20; n++)
            {
                Complex Rnd() => new(rng.Uniform(-1, 1), rng.Uniform(-1, 1));
                var c = new WilsonCoefficients(Rnd(), Rnd(), Rnd(), Rnd(), Rnd()).ToVector();
                var h = model.Amplitudes(rng.Uniform(model.Q2Min + 0.01, model.Q2Max));
                AngularCoefficients.Evaluate(h, c, fast);
                AngularCoefficients.EvaluateFromTable(h, c, table);
                double[][] matrices = AngularCoefficients.PackedMatrices(h);
                double scale = Math.Abs(table[0]) + Math.Abs(table[1]);
                for (int k = 0; k < 12; k++)
                {
                    Assert.True(Math.Abs(fast[k] - table[k]) <= 1e-12 * scale, $"{(AngularTerm)k}: {fast[k]} vs {table[k]}");
                    double viaMatrix = WeightMatrixLayout.Contract(matrices[k], c);
                    Assert.True(Math.Abs(viaMatrix - table[k]) <= 1e-12 * scale, $"{(AngularTerm)k} matrix: {viaMatrix}");
                }
            }
        }
    }
}
