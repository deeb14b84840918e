using SbiFit.Physics;

namespace SbiFit.Physics.Tests;

/// <summary>Checks 31, 32 of physics-reference §10 and generation-versus-reweighting closure for the truth sampler.</summary>
public class RateSamplerTests
{
    private const int N = 200_000;
    private static readonly Lazy<(TruthPoint[] Points, double[][] Packed)> SmSample = new(() =>
    {
        var sampler = new SmTruthSampler(Lepton.Muon, FormFactorsCln.Hflav2019);
        var rng = new Rng(2025, 1);
        var points = new TruthPoint[N];
        var packed = new double[N][];
        for (int n = 0; n < N; n++)
        {
            points[n] = sampler.Sample(rng);
            packed[n] = new double[WeightMatrixLayout.PackedLength];
            WeightMatrix.Compute(points[n], Lepton.Muon, FormFactorsCln.Hflav2019, packed[n]);
        }
        return (points, packed);
    });

    private static void AssertWithin3Sigma(double expected, IReadOnlyList<double> values, string what)
    {
        double mean = values.Average();
        double var = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        double sigma = Math.Sqrt(var / values.Count);
        Assert.True(Math.Abs(mean - expected) <= 3 * sigma, $"{what}: {mean} ± {sigma}, expected {expected}");
    }

    [Theory] // check 31
    [InlineData(0.5, 0.3642)]
    [InlineData(-0.5, 2.1358)]
    public void MeanWeightIsRateRatio(double vr, double expected)
    {
        var c = new WilsonCoefficients(0, vr, 0, 0, 0).ToVector();
        var w = SmSample.Value.Packed.Select(p => WeightMatrixLayout.Contract(p, c)).ToArray();
        AssertWithin3Sigma(expected, w, $"<w(V_R={vr})>");
    }

    [Fact]
    public void GeneratorMoments() // check 32
    {
        var pts = SmSample.Value.Points;
        AssertWithin3Sigma(0.1434, pts.Select(p => p.CosThetaL).ToArray(), "<cos theta_l>");
        AssertWithin3Sigma(0.4126, pts.Select(p => p.CosThetaD * p.CosThetaD).ToArray(), "<cos^2 theta_D>");
        AssertWithin3Sigma(-0.0883, pts.Select(p => Math.Cos(2 * p.Chi)).ToArray(), "<cos 2chi>");
        AssertWithin3Sigma(5.299, pts.Select(p => p.Q2).ToArray(), "<q2>");
        Assert.All(pts, p =>
        {
            Assert.InRange(p.Q2, Lepton.Muon.Q2Min(), PhysicsConstants.Q2Max);
            Assert.InRange(p.Chi, -Math.PI, Math.PI);
        });
    }

    [Fact]
    public void MomentsFollowTheRateFormulas()
    {
        // §6.1: <cos θ_ℓ> = (2/3) A_FB, <cos² θ_D> = 1/5 + (2/5) F_L (links check 32 to the integrated observables).
        var s = DecayRates.Compute(WilsonCoefficients.Sm, Lepton.Muon);
        Assert.Equal(0.1434, 2.0 / 3 * s.AFB, 1e-4);
        Assert.Equal(0.4126, 0.2 + 0.4 * s.FL, 1e-4);
        Assert.Equal(-0.0883, s.NormalisedAngular[(int)AngularTerm.I3] / 2, 1e-4);
    }

    [Fact]
    public void DirectSampleAtVRMatchesReweightedSmSample()
    {
        var vr = new WilsonCoefficients(0, 0.5, 0, 0, 0);
        var sampler = new SmTruthSampler(Lepton.Muon, FormFactorsCln.Hflav2019, vr);
        var rng = new Rng(77, 3);
        const int nDirect = 50_000;
        var direct = new TruthPoint[nDirect];
        for (int n = 0; n < nDirect; n++) direct[n] = sampler.Sample(rng);
        var c = vr.ToVector();
        double[] weights = SmSample.Value.Packed.Select(p => WeightMatrixLayout.Contract(p, c)).ToArray();
        var sm = SmSample.Value.Points;

        (string Name, Func<TruthPoint, double> Obs, double Lo, double Hi)[] observables =
        [
            ("q2", p => p.Q2, 0, PhysicsConstants.Q2Max), ("cosThetaL", p => p.CosThetaL, -1, 1),
            ("cosThetaD", p => p.CosThetaD, -1, 1), ("chi", p => p.Chi, -Math.PI, Math.PI),
        ];
        const int bins = 10;
        foreach (var (name, obs, lo, hi) in observables)
        {
            var hd = new double[bins];
            var hw = new double[bins];
            var hw2 = new double[bins];
            int Bin(double v) => Math.Clamp((int)((v - lo) / (hi - lo) * bins), 0, bins - 1);
            foreach (var p in direct) hd[Bin(obs(p))]++;
            for (int n = 0; n < sm.Length; n++)
            {
                int b = Bin(obs(sm[n]));
                hw[b] += weights[n];
                hw2[b] += weights[n] * weights[n];
            }
            double sumW = hw.Sum();
            double chi2 = 0;
            for (int b = 0; b < bins; b++)
            {
                double pd = hd[b] / nDirect, pw = hw[b] / sumW;
                double var = hd[b] / ((double)nDirect * nDirect) + hw2[b] / (sumW * sumW);
                chi2 += (pd - pw) * (pd - pw) / var;
            }
            // 9 degrees of freedom: chi2 > 30 has p < 5e-4.
            Assert.True(chi2 < 30, $"{name}: chi2 = {chi2:F1} for {bins - 1} dof");
        }
    }

    [Fact]
    public void SharedSamplerGivesSameStreamsInParallel()
    {
        var sampler = new SmTruthSampler(Lepton.Muon, FormFactorsCln.Hflav2019, WilsonCoefficients.Parse("T_L=0.1i"));
        const int streams = 4, perStream = 2000;
        var parallel = new TruthPoint[streams][];
        Parallel.For(0, streams, s =>
        {
            var rng = new Rng(123, (ulong)s);
            parallel[s] = Enumerable.Range(0, perStream).Select(_ => sampler.Sample(rng)).ToArray();
        });
        for (int s = 0; s < streams; s++)
        {
            var rng = new Rng(123, (ulong)s);
            for (int n = 0; n < perStream; n++) Assert.Equal(sampler.Sample(rng), parallel[s][n]);
        }
    }

    [Fact]
    public void SamplingIsDeterministicPerSeed()
    {
        var sampler = new SmTruthSampler(Lepton.Tau, FormFactorsCln.Hflav2019);
        var r1 = new Rng(5, 9);
        var r2 = new Rng(5, 9);
        for (int n = 0; n < 100; n++) Assert.Equal(sampler.Sample(r1), sampler.Sample(r2));
        var p = sampler.Sample(new Rng(1));
        Assert.InRange(p.Q2, Lepton.Tau.Q2Min(), PhysicsConstants.Q2Max);
    }
}
