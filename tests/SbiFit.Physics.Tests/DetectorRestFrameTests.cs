using SbiFit.Physics;
using SbiFit.Physics.Detector;
using SbiFit.Physics.Kinematics;

namespace SbiFit.Physics.Tests;

public class DetectorRestFrameTests
{
    private const double MB = 5.27966;

    [Fact]
    public void EstimateFollowsDefinition()
    {
        var y = FourVector.FromMomentum(new Vec3(0.5, -0.3, 30), 4.0);
        var flight = new Vec3(0.2, -0.1, 10);
        Assert.True(RestFrameApproximation.TryEstimate(y, flight, MB, out FourVector pB));
        Assert.Equal(MB / 4.0 * 30, pB.Pz, 1e-9);
        Assert.Equal(1.0, pB.P3.Unit().Dot(flight.Unit()), 1e-12);
        Assert.Equal(MB, pB.Mass, 1e-9);
        Assert.False(RestFrameApproximation.TryEstimate(y, new Vec3(0, 0, -1), MB, out _));
    }

    [Fact]
    public void ToyResolutionWithPerfectDirectionHasSensibleShape()
    {
        // §8.4 toy setting (FONLL spectrum, 2 < η_B < 5, perfect direction, no smearing) with a FLAT truth sampler: the
        // published numbers (68 % half-width 24 %, M²_miss median 0.35 GeV²) are for SM-distributed events, so only
        // their generic shape is tested: |p_B| resolution of tens of per cent, M²_miss peaked near 0 with a positive tail.
        var cfg = new DetectorConfig
        {
            ApplyAcceptance = false, ApplySmearing = false, PerfectDirection = true, MuonPMin = 0, MuonPtMin = 0, TrackPMin = 0,
        };
        var reco = new Reconstruction(cfg);
        var spectrum = new BProductionSpectrum(etaMin: 2, etaMax: 5);
        var rng = new Rng(42, 0);
        const int n = 20000;
        var rel = new List<double>(n);
        var m2 = new List<double>(n);
        int nearlyExact = 0;
        for (int i = 0; i < n; i++)
        {
            var x = DetectorTests.FlatSampler(rng);
            Vec3 pB = spectrum.SampleMomentum(rng, out _, out _);
            var c = DecayChainBuilder.Build(x, 0.1056583755, rng.Uniform(0, 2 * Math.PI), Rotation3.RandomIsotropic(rng), pB);
            var (k, piD) = DecayChainBuilder.DecayD0(c.D, rng);
            var res = reco.Reconstruct(new TrueEvent(c.B, k, piD, c.SoftPion, c.Lepton, Vec3.Zero, pB), rng);
            if (!res.Accepted) continue;
            rel.Add(res.BMomentum.P / c.B.P - 1);
            // Without detector effects the only error is the B-momentum estimate: where it is nearly right, so is the rest.
            if (Math.Abs(rel[^1]) < 2e-3)
            {
                nearlyExact++;
                Assert.Equal(x.Q2, res.Point.Q2, 0.05);
                Assert.Equal(x.CosThetaL, res.Point.CosThetaL, 0.05);
                Assert.Equal(x.CosThetaD, res.Point.CosThetaD, 0.05);
                Assert.Equal(0, res.M2Miss, 0.05);
                Assert.Equal(AngleRecipe.LeptonEnergyInBFrame(c.B, c.Lepton), res.EMuStar, 0.05);
            }
            m2.Add(res.M2Miss);
        }
        Assert.True(rel.Count > 0.97 * n);
        Assert.True(nearlyExact > 20, $"only {nearlyExact} events with a nearly exact B momentum");
        rel.Sort(); m2.Sort();
        double Q(List<double> v, double f) => v[(int)(f * (v.Count - 1))];
        double halfWidth = 0.5 * (Q(rel, 0.84) - Q(rel, 0.16));
        Assert.InRange(halfWidth, 0.10, 0.45);
        Assert.InRange(Q(rel, 0.5), -0.15, 0.15);
        Assert.InRange(Q(m2, 0.5), 0.0, 1.5);
        Assert.InRange(Q(m2, 0.16), -0.5, 0.2);
        Assert.True(Q(m2, 0.84) > Q(m2, 0.5) + 0.2 && Q(m2, 0.5) - Q(m2, 0.16) < Q(m2, 0.84) - Q(m2, 0.5));
    }
}
