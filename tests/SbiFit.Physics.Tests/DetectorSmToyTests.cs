using SbiFit.Physics.Detector;
using SbiFit.Physics.Kinematics;

namespace SbiFit.Physics.Tests;

/// <summary>
/// Physics-reference §8.4 toy with SM-distributed events: FONLL spectrum, 2 &lt; η_B &lt; 5, perfect flight direction,
/// no smearing, no acceptance or cuts. Reference: |p_B| 68 % half-width 24 %, q² 68 % half-width 1.35 GeV²,
/// M²_miss median 0.35 GeV² and 16–84 % range −0.003…1.70 GeV². Tolerances cover 2×10⁴ events and small spectrum
/// differences but fail for a wrong estimator (e.g. no m_B/m_Y scaling gives a half-width > 40 %).
/// </summary>
public class DetectorSmToyTests
{
    [Fact]
    public void RestFrameToyMatchesReferenceNumbers()
    {
        var cfg = new DetectorConfig
        {
            ApplyAcceptance = false, ApplySmearing = false, PerfectDirection = true, MuonPMin = 0, MuonPtMin = 0, TrackPMin = 0,
        };
        var reco = new Reconstruction(cfg);
        var spectrum = new BProductionSpectrum(etaMin: 2, etaMax: 5);
        var sampler = new SmTruthSampler(Lepton.Muon, FormFactorsCln.Hflav2019);
        var rng = new Rng(84, 0);
        const int n = 20000;
        var rel = new List<double>(n);
        var dq2 = new List<double>(n);
        var m2 = new List<double>(n);
        for (int i = 0; i < n; i++)
        {
            TruthPoint x = sampler.Sample(rng);
            Vec3 pB = spectrum.SampleMomentum(rng, out _, out _);
            var c = DecayChainBuilder.Build(x, Lepton.Muon.Mass(), rng.Uniform(0, 2 * Math.PI), Rotation3.RandomIsotropic(rng), pB);
            var (k, piD) = DecayChainBuilder.DecayD0(c.D, rng);
            var res = reco.Reconstruct(new TrueEvent(c.B, k, piD, c.SoftPion, c.Lepton, Vec3.Zero, pB), rng);
            if (!res.Valid) continue;
            rel.Add(res.BMomentum.P / c.B.P - 1);
            dq2.Add(res.Point.Q2 - x.Q2);
            m2.Add(res.M2Miss);
        }
        Assert.True(rel.Count > 0.95 * n, $"only {rel.Count} valid reconstructions");
        rel.Sort(); dq2.Sort(); m2.Sort();
        double Q(List<double> v, double f) => v[(int)(f * (v.Count - 1))];
        double HalfWidth(List<double> v) => 0.5 * (Q(v, 0.84) - Q(v, 0.16));
        Assert.InRange(HalfWidth(rel), 0.19, 0.29);
        Assert.InRange(HalfWidth(dq2), 1.10, 1.60);
        Assert.InRange(Q(m2, 0.5), 0.25, 0.45);
        Assert.InRange(Q(m2, 0.16), -0.10, 0.10);
        Assert.InRange(Q(m2, 0.84), 1.45, 1.95);
    }
}
