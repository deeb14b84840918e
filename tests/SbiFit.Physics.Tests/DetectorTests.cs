using SbiFit.Physics;
using SbiFit.Physics.Detector;
using SbiFit.Physics.Kinematics;

namespace SbiFit.Physics.Tests;

public class DetectorTests
{
    private const double MMu = 0.1056583755;

    /// <summary>Flat test sampler (the SM sampler belongs to the decay-rate code): q² uniform, angles uniform.</summary>
    internal static TruthPoint FlatSampler(Rng rng) => new(
        rng.Uniform(MMu * MMu, DecayChainBuilder.Q2Max), rng.Uniform(-1, 1), rng.Uniform(-1, 1), rng.Uniform(-Math.PI, Math.PI));

    private static GeneratorConfig SmallConfig(int threads, ulong seed = 5) => new()
    {
        Events = 20000, Seed = seed, Threads = threads,
    };

    [Fact]
    public void SameSeedGivesIdenticalArraysForAnyThreadCount()
    {
        GeneratedSample a = EventGenerator.Generate(SmallConfig(1), FlatSampler);
        GeneratedSample b = EventGenerator.Generate(SmallConfig(2), FlatSampler);
        Assert.Equal(a.EventId, b.EventId);
        Assert.Equal(a.TrueQ2, b.TrueQ2);
        Assert.Equal(a.TrueChi, b.TrueChi);
        Assert.Equal(a.Q2, b.Q2);
        Assert.Equal(a.CosThetaL, b.CosThetaL);
        Assert.Equal(a.M2Miss, b.M2Miss);
        Assert.Equal(a.EMuStar, b.EMuStar);
        GeneratedSample c = EventGenerator.Generate(SmallConfig(2, seed: 6), FlatSampler);
        Assert.NotEqual(a.TrueQ2[0], c.TrueQ2[0]);
        for (int i = 1; i < a.Count; i++) Assert.True(a.EventId[i] > a.EventId[i - 1]);
    }

    [Fact]
    public void TruthOnlyKeepsEveryEventWithTheSameTruth()
    {
        var full = EventGenerator.Generate(SmallConfig(2) with { KeepRejected = true }, FlatSampler);
        var truth = EventGenerator.Generate(SmallConfig(2) with { TruthOnly = true }, FlatSampler);
        Assert.Equal(20000, truth.Count);
        Assert.Null(truth.Q2);
        Assert.Equal(1.0, truth.Efficiency);
        Assert.Equal(full.TrueQ2, truth.TrueQ2);
        Assert.Equal(full.BPt, truth.BPt);
        Assert.Equal(new TruthPoint(truth.TrueQ2[7], truth.TrueCosThetaD[7], truth.TrueCosThetaL[7], truth.TrueChi[7]), truth.GetTruth(7));
    }

    [Fact]
    public void AcceptanceFlagsAndEfficiencyAreConsistent()
    {
        double progressSeen = 0;
        var all = EventGenerator.Generate(SmallConfig(2) with { KeepRejected = true }, FlatSampler,
            new SyncProgress(p => progressSeen = Math.Max(progressSeen, p)));
        var kept = EventGenerator.Generate(SmallConfig(2), FlatSampler);
        Assert.Equal(1.0, progressSeen, 1e-12);
        Assert.Equal(20000, all.Count);
        int nAcc = all.Accepted!.Count(a => a);
        Assert.Equal(nAcc, kept.Count);
        Assert.Equal(nAcc, all.AcceptedCount);
        Assert.Equal(kept.Efficiency, nAcc / 20000.0, 1e-12);
        // Forward acceptance of 4 tracks plus 2 < η_B < 5 out of 1 < η_B < 6: a sizeable but minority fraction.
        Assert.InRange(kept.Efficiency, 0.05, 0.6);
        Assert.True(kept.Accepted!.All(a => a));
        // Accepted events carry the reconstruction of the same generated event.
        int j = 0;
        for (int i = 0; i < all.Count; i++)
        {
            if (!all.Accepted![i]) continue;
            Assert.Equal(all.EventId[i], kept.EventId[j]);
            Assert.Equal(all.Q2![i], kept.Q2![j]);
            Assert.InRange(kept.BEta[j], 2.0, 5.0);
            Assert.True(double.IsFinite(kept.M2Miss![j]));
            j++;
        }
        // Switching acceptance and cuts off keeps (almost) everything: only failed rest-frame estimates are lost.
        var open = DetectorWithoutCuts() with { ApplySmearing = true };
        var noCuts = EventGenerator.Generate(SmallConfig(2) with { Detector = open }, FlatSampler);
        Assert.InRange(noCuts.Efficiency, 0.95, 1.0);
    }

    private static DetectorConfig DetectorWithoutCuts() => new()
    {
        ApplyAcceptance = false, ApplySmearing = false, PerfectDirection = true,
        MuonPMin = 0, MuonPtMin = 0, TrackPMin = 0, BEtaMin = -10, BEtaMax = 10,
    };

    [Fact]
    public void GeometricAcceptanceFollowsRapidSimLhcb()
    {
        var r = new Reconstruction(new DetectorConfig());
        Assert.True(r.InAcceptance(new FourVector(10, 0.2, 0.1, 9)));
        Assert.False(r.InAcceptance(new FourVector(10, 3.2, 0.1, 10)));  // |tx| > 0.30
        Assert.False(r.InAcceptance(new FourVector(10, 0.1, 2.6, 10)));  // |ty| > 0.25
        Assert.False(r.InAcceptance(new FourVector(10, 0.05, 0.05, 10))); // inside beam pipe
        Assert.False(r.InAcceptance(new FourVector(10, 0.2, 0.1, -9)));  // backward
    }

    [Fact]
    public void MomentumSmearingHasTabulatedWidth()
    {
        var cfg = new DetectorConfig();
        Assert.Equal(0.0052, cfg.RelativeResolutionAt(20), 1e-12);
        Assert.Equal(0.0055, cfg.RelativeResolutionAt(25), 1e-12);
        Assert.Equal(0.0050, cfg.RelativeResolutionAt(1), 1e-12);
        Assert.Equal(0.0112, cfg.RelativeResolutionAt(500), 1e-12);
        var r = new Reconstruction(cfg);
        var rng = new Rng(31, 0);
        var p = FourVector.FromMomentum(new Vec3(2, 1, 20), 0.13957039);
        const int n = 20000;
        double s = 0, s2 = 0, tx2 = 0;
        for (int i = 0; i < n; i++)
        {
            FourVector q = r.SmearTrack(p, 0.13957039, rng);
            double rel = q.P / p.P - 1;
            s += rel; s2 += rel * rel;
            double dtx = q.Px / q.Pz - p.Px / p.Pz;
            tx2 += dtx * dtx;
            Assert.Equal(0.13957039, q.Mass, 1e-9);
        }
        double sigma = Math.Sqrt(s2 / n - (s / n) * (s / n));
        Assert.InRange(sigma, cfg.RelativeResolutionAt(p.P) * 0.97, cfg.RelativeResolutionAt(p.P) * 1.03);
        double expectedT = Math.Sqrt(6.2e-5 * 6.2e-5 + Math.Pow(2.1e-3 / p.P, 2));
        Assert.InRange(Math.Sqrt(tx2 / n), expectedT * 0.97, expectedT * 1.03);
    }

    [Fact]
    public void ConfigJsonRoundTripAndErrors()
    {
        var cfg = new GeneratorConfig { Events = 123, Seed = 9, TruthOnly = true, Detector = new DetectorConfig { MuonPtMin = 1.2, SvTracks = 4 } };
        string json = cfg.ToJson();
        Assert.Contains("\"truth_only\": true", json);
        Assert.Contains("\"muon_pt_min\": 1.2", json);
        Assert.Contains("\"b_eta_min\"", json);
        var back = GeneratorConfig.FromJson(json);
        Assert.Equal(123, back.Events);
        Assert.Equal(1.2, back.Detector.MuonPtMin);
        Assert.Equal(4, back.Detector.SvTracks);
        Assert.Equal(cfg.Detector.ResolutionMomenta, back.Detector.ResolutionMomenta);
        Assert.Equal(0.1056583755, GeneratorConfig.FromJson("{\"events\": 5}").LeptonMass);

        var e1 = Assert.Throws<GeneratorConfigException>(() => GeneratorConfig.FromJson("{\"event\": 5}"));
        Assert.Contains("event", e1.Message);
        var e2 = Assert.Throws<GeneratorConfigException>(() => DetectorConfig.FromJson("{\"b_eta_min\": 6}"));
        Assert.Contains("b_eta_min", e2.Message);
        var e3 = Assert.Throws<GeneratorConfigException>(() => GeneratorConfig.FromJson("{\"threads\": -1}"));
        Assert.Contains("threads", e3.Message);
        var e4 = Assert.Throws<GeneratorConfigException>(() =>
            DetectorConfig.FromJson("{\"resolution_momenta\": [1, 2], \"relative_momentum_resolution\": [0.01]}"));
        Assert.Contains("relative_momentum_resolution", e4.Message);
    }

    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        private readonly object _lock = new();
        public void Report(double value) { lock (_lock) report(value); }
    }
}
