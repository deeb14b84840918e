using SbiFit.Physics;

namespace SbiFit.Physics.Tests;

/// <summary>Checks 13, 14, 16–22, 26, 27 and the tables of §7.1, §7.3, §7.4.</summary>
public class RateObservablesTests
{
    private static readonly FormFactorsCln Ff = FormFactorsCln.Hflav2019;
    private static readonly RateSummary SmMu = DecayRates.Compute(WilsonCoefficients.Sm, Lepton.Muon);
    private static readonly RateSummary SmE = DecayRates.Compute(WilsonCoefficients.Sm, Lepton.Electron);
    private static readonly RateSummary SmTau = DecayRates.Compute(WilsonCoefficients.Sm, Lepton.Tau);

    [Theory] // check 13
    [InlineData(1.0, 3.8578e-3)]
    [InlineData(3.0, 4.8356e-3)]
    [InlineData(6.0, 5.5433e-3)]
    [InlineData(9.0, 4.4641e-3)]
    [InlineData(10.5, 1.6892e-3)]
    public void DifferentialBranchingFraction(double q2, double expected)
    {
        var model = new DecayModel(Lepton.Muon, Ff);
        double dbdq2 = DecayRates.BranchingFraction(model.DifferentialRate(q2, WilsonCoefficients.Sm));
        Assert.True(Math.Abs(dbdq2 / expected - 1) <= 1e-3, $"{dbdq2}");
    }

    [Fact]
    public void BranchingFractions() // checks 14, 16 (and 15: HFLAV 4.90 ± 0.12 %)
    {
        Assert.True(Math.Abs(SmMu.BranchingFraction / 0.04908 - 1) <= 3e-3, $"{SmMu.BranchingFraction}");
        Assert.True(Math.Abs(SmE.BranchingFraction / 0.04931 - 1) <= 3e-3, $"{SmE.BranchingFraction}");
        Assert.True(Math.Abs(SmTau.BranchingFraction / 0.01216 - 1) <= 3e-3, $"{SmTau.BranchingFraction}");
        Assert.True(Math.Abs(SmMu.BranchingFraction - 0.0490) <= 0.0012);
    }

    [Fact]
    public void RDstarAndLeptonUniversalityRatios() // checks 17, 18, 22
    {
        Assert.Equal(0.2479, SmTau.GammaGeV / SmMu.GammaGeV, 0.0005);
        var old = new DecayModel(Lepton.Tau, FormFactorsCln.Fajfer2012).TotalRate(WilsonCoefficients.Sm)
                  / new DecayModel(Lepton.Muon, FormFactorsCln.Fajfer2012).TotalRate(WilsonCoefficients.Sm);
        Assert.Equal(0.2522, old, 0.0005);
        Assert.Equal(0.99540, SmMu.GammaGeV / SmE.GammaGeV, 2e-4);
    }

    [Fact]
    public void PolarisationAndAsymmetries() // checks 19, 20, 21
    {
        Assert.Equal(0.5318, SmE.FL, 5e-4);
        Assert.Equal(0.5314, SmMu.FL, 5e-4);
        Assert.Equal(0.4609, SmTau.FL, 5e-4);
        Assert.Equal(0.2205, SmE.AFB, 5e-4);
        Assert.Equal(0.2151, SmMu.AFB, 5e-4);
        Assert.Equal(0.0481, SmTau.AFB, 5e-4);
        Assert.Equal(-0.501, SmTau.LeptonPolarisation, 2e-3);
        Assert.Equal(-0.00544, SmMu.AFB - SmE.AFB, 1e-4);
        Assert.Equal(5.299, SmMu.MeanQ2, 1e-3);
        Assert.Equal(1.0, SmMu.RatioToSm, 12);
    }

    [Fact]
    public void NormalisedIntegratedAngularCoefficients() // §7.1
    {
        double[] mu = [0.3513, 0.5349, 0.1167, -0.5209, -0.1766, 0.3055, 0.2386, 0.2937, -0.0139, 0, 0, 0];
        double[] e = [0.3511, 0.5318, 0.1170, -0.5318, -0.1770, 0.3073, 0.2377, 0.2940, 0.0, 0, 0, 0];
        double[] tau = [0.3809, 0.5579, 0.0646, -0.1698, -0.1090, 0.1412, 0.2808, 0.2374, -0.3465, 0, 0, 0];
        AssertList(mu, SmMu.NormalisedAngular, 1e-4);
        AssertList(e, SmE.NormalisedAngular, 1e-4);
        AssertList(tau, SmTau.NormalisedAngular, 1e-4);
    }

    [Theory] // checks 26, 27 and §7.3
    [InlineData(-0.5, 2.1358, 0.10480, 0.5599, 0.0719, 5.309,
        new[] { 0.3300, 0.5635, 0.1096, -0.5488, -0.2126, 0.3218, 0.0851, 0.1031, -0.0146 },
        new[] { 2.177, 2.108, 2.105, 2.177, 2.241 })]
    [InlineData(0.5, 0.3642, 0.01788, 0.3648, 0.4500, 5.240,
        new[] { 0.4762, 0.3672, 0.1581, -0.3575, 0.0349, 0.2096, 0.4887, 0.6047, -0.0095 },
        new[] { 0.323, 0.392, 0.395, 0.323, 0.259 })]
    public void RightHandedVectorCoupling(double vr, double ratio, double bf, double fl, double afb, double meanQ2,
        double[] normalisedIk, double[] q2Ratios)
    {
        var c = new WilsonCoefficients(0, vr, 0, 0, 0);
        var s = DecayRates.Compute(c, Lepton.Muon);
        Assert.Equal(ratio, s.RatioToSm, 1e-3);
        Assert.Equal(1 + vr * vr - 1.7715 * vr, s.RatioToSm, 1e-4);
        Assert.Equal(bf, s.BranchingFraction, 5e-5);
        Assert.Equal(fl, s.FL, 1e-3);
        Assert.Equal(afb, s.AFB, 1e-3);
        Assert.Equal(meanQ2, s.MeanQ2, 1e-3);
        AssertList(normalisedIk, s.NormalisedAngular.Take(9).ToArray(), 1e-4);
        var model = new DecayModel(Lepton.Muon, Ff);
        double[] q2s = [1, 3, 6, 9, 10.5];
        for (int i = 0; i < q2s.Length; i++)
            Assert.Equal(q2Ratios[i], model.DifferentialRate(q2s[i], c) / model.DifferentialRate(q2s[i], WilsonCoefficients.Sm), 1e-3);
    }

    [Theory] // §7.4
    [InlineData("S_L=0.5", 1.0067)]
    [InlineData("S_L=-0.5", 1.0282)]
    [InlineData("S_R=0.5", 1.0282)]
    [InlineData("S_R=-0.5", 1.0067)]
    [InlineData("T_L=0.5", 4.2700)]
    [InlineData("T_L=-0.5", 4.7065)]
    public void SingleCoefficientRateRatios(string wc, double expected)
    {
        var c = WilsonCoefficients.Parse(wc);
        var model = new DecayModel(Lepton.Muon, Ff);
        Assert.Equal(expected, model.TotalRate(c) / model.TotalRate(WilsonCoefficients.Sm), 1e-4);
        Assert.Equal(expected, DecayRates.Compute(c, Lepton.Muon).RatioToSm, 1e-4);
    }

    private static void AssertList(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tol)
    {
        for (int k = 0; k < expected.Count; k++)
            Assert.True(Math.Abs(actual[k] - expected[k]) <= tol, $"{(AngularTerm)k}: expected {expected[k]}, got {actual[k]:F5}");
    }
}
