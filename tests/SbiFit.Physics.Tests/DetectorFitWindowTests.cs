using SbiFit.Physics;
using SbiFit.Physics.Detector;

namespace SbiFit.Physics.Tests;

public class DetectorFitWindowTests
{
    private static readonly SmTruthSampler Sm = new(Lepton.Muon, FormFactorsCln.Hflav2019);

    [Fact]
    public void AcceptedEventsLieInsideTheReconstructedFitWindow()
    {
        var config = new GeneratorConfig { Events = 20000, Seed = 3 };
        var sample = EventGenerator.Generate(config, Sm.Sample);
        Assert.True(sample.Count > 1000);
        var d = config.Detector;
        for (int i = 0; i < sample.Count; i++)
        {
            Assert.InRange(sample.Q2![i], d.Q2RecoMin, d.Q2RecoMax);
            Assert.InRange(sample.M2Miss![i], d.M2MissMin, d.M2MissMax);
        }
    }

    [Fact]
    public void WideningTheWindowKeepsTheRestFrameFailures()
    {
        var wide = new DetectorConfig { Q2RecoMin = -1e9, M2MissMin = -1e9, M2MissMax = 1e9 };
        var sample = EventGenerator.Generate(new GeneratorConfig { Events = 20000, Seed = 3, Detector = wide }, Sm.Sample);
        int outliers = sample.Q2!.Count(q => q < -2.0);
        Assert.True(outliers > 0, "with smeared vertices the rest-frame approximation produces q2 far below zero for some events");
    }

    [Fact]
    public void InvertedWindowIsRejectedNamingTheKey()
    {
        var ex = Assert.Throws<GeneratorConfigException>(() => DetectorConfig.FromJson("{\"q2_reco_min\": 13}"));
        Assert.Contains("q2_reco_min", ex.Message);
    }
}
