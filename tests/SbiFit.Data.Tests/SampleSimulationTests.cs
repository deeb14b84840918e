using SbiFit.Data.Reweighting;
using SbiFit.Data.Simulation;
using SbiFit.Physics;
using SbiFit.Physics.Detector;

namespace SbiFit.Data.Tests;

public class SampleSimulationTests
{
    /// <summary>The §7.3 toy detector: perfect direction, no smearing, no acceptance or cuts, 2 &lt; η_B &lt; 5.</summary>
    private static readonly DetectorConfig ToyDetector = new()
    {
        ApplyAcceptance = false, ApplySmearing = false, PerfectDirection = true, MuonPMin = 0, MuonPtMin = 0, TrackPMin = 0,
    };

    private static readonly Lazy<SimulationResult> ToySm = new(() =>
        SampleSimulation.Run(new GeneratorConfig { Events = 50_000, Seed = 21, Detector = ToyDetector }));

    [Fact]
    public void TableHasSchemaColumnsAndMetadata()
    {
        var r = SampleSimulation.Run(new GeneratorConfig { Events = 3000, Seed = 4 });
        var t = r.Table;
        foreach (var name in EventSchema.Features.Concat([EventSchema.EMuStar, EventSchema.TrueQ2, EventSchema.TrueChi, EventSchema.EventId]))
            Assert.True(t.HasColumn(name), name);
        foreach (var name in WeightMatrixLayout.ColumnNames) Assert.True(t.HasColumn(name), name);
        Assert.Equal(r.Accepted, t.RowCount);
        Assert.InRange(r.Efficiency, 0.05, 0.9);
        Assert.Equal("4", t.Metadata["seed"]);
        Assert.Equal("mu", t.Metadata["lepton"]);
        Assert.Equal("c=(1+V_L,V_R,S_L,S_R,T_L)", t.Metadata["wc_basis"]);
        Assert.Equal(4UL, GeneratorConfig.FromJson(t.Metadata["generator_config"]).Seed);
        Assert.False(string.IsNullOrEmpty(t.Metadata["sbifit_version"]));
        Assert.All(t.GetColumn("w_re_00"), x => Assert.Equal(1.0, x));
        // Event ids increase and have gaps (rejected events).
        var ids = t.GetColumn(EventSchema.EventId);
        Assert.True(ids.Zip(ids.Skip(1)).All(p => p.Second > p.First));
        Assert.True(ids[^1] >= ids.Length);
    }

    [Fact]
    public void TruthOnlyWritesTrueValuesAndZeroMissingMass()
    {
        var t = SampleSimulation.Run(new GeneratorConfig { Events = 2000, Seed = 4, TruthOnly = true }, Lepton.Tau).Table;
        Assert.Equal(2000, t.RowCount);
        Assert.Equal(t.GetColumn(EventSchema.TrueQ2), t.GetColumn(EventSchema.Q2));
        Assert.Equal(t.GetColumn(EventSchema.TrueCosThetaL), t.GetColumn(EventSchema.CosThetaL));
        Assert.All(t.GetColumn(EventSchema.M2Miss), x => Assert.Equal(0.0, x));
        Assert.False(t.HasColumn(EventSchema.EMuStar));
        Assert.Equal("true", t.Metadata["truth_only"]);
        Assert.Equal("tau", t.Metadata["lepton"]);
        Assert.True(t.GetColumn(EventSchema.TrueQ2).Min() > Lepton.Tau.Mass() * Lepton.Tau.Mass());
    }

    [Fact]
    public void OutputDoesNotDependOnThreadCount()
    {
        var a = SampleSimulation.Run(new GeneratorConfig { Events = 20_000, Seed = 9, Threads = 1 }).Table;
        var b = SampleSimulation.Run(new GeneratorConfig { Events = 20_000, Seed = 9, Threads = 2 }).Table;
        Assert.Equal(a.ColumnNames, b.ColumnNames);
        foreach (var name in a.ColumnNames) Assert.Equal(a.GetColumn(name), b.GetColumn(name));
    }

    [Theory] // physics-reference §7.3 M²_miss fractions (toy, 1.2e5 events, precision ~0.003); 4σ with our own σ
    [InlineData(-0.5, new[] { 0.023, 0.071, 0.228, 0.224, 0.302, 0.152 })]
    [InlineData(0.0, new[] { 0.015, 0.061, 0.252, 0.242, 0.302, 0.128 })]
    [InlineData(0.5, new[] { 0.008, 0.042, 0.292, 0.272, 0.295, 0.091 })]
    public void MissingMassFractionsFollowReferenceToy(double vr, double[] expected)
    {
        double[] edges = [-2, -0.5, -0.1, 0.1, 0.5, 2, 6];
        var t = ToySm.Value.Table;
        double[] w = new Reweighter(t).RawWeights(new WilsonCoefficients(0, vr, 0, 0, 0));
        double[] m2 = t.GetColumn(EventSchema.M2Miss);
        var sumBin = new double[6];
        double total = 0;
        for (int i = 0; i < m2.Length; i++)
        {
            if (!(m2[i] >= edges[0] && m2[i] < edges[^1])) continue;
            int b = Array.FindLastIndex(edges, e => m2[i] >= e);
            sumBin[b] += w[i];
            total += w[i];
        }
        for (int b = 0; b < 6; b++)
        {
            double f = sumBin[b] / total, var = 0;
            for (int i = 0; i < m2.Length; i++)
            {
                if (!(m2[i] >= edges[0] && m2[i] < edges[^1])) continue;
                double ind = m2[i] >= edges[b] && m2[i] < edges[b + 1] ? 1 : 0;
                var += w[i] * w[i] * (ind - f) * (ind - f);
            }
            double sigma = Math.Sqrt(var) / total;
            double tol = 4 * Math.Sqrt(sigma * sigma + 0.003 * 0.003);
            Assert.True(Math.Abs(f - expected[b]) < tol, $"V_R={vr} bin {b}: {f:F4} ± {sigma:F4}, reference {expected[b]}");
        }
    }

    [Fact]
    public void DirectSampleAtVRMatchesReweightedSmSampleAtRecoLevel()
    {
        var sm = ToySm.Value.Table;
        var vr = new WilsonCoefficients(0, 0.5, 0, 0, 0);
        var cfg = new GeneratorConfig { Events = 50_000, Seed = 22, Detector = ToyDetector };
        var direct = EventGenerator.Generate(cfg, new SmTruthSampler(Lepton.Muon, FormFactorsCln.Hflav2019, vr).Sample);
        double[] w = new Reweighter(sm).NormalisedWeights(vr);
        var observed = new Dictionary<string, double[]>
        {
            [EventSchema.Q2] = direct.Q2!, [EventSchema.CosThetaD] = direct.CosThetaD!, [EventSchema.CosThetaL] = direct.CosThetaL!,
            [EventSchema.Chi] = direct.Chi!, [EventSchema.M2Miss] = direct.M2Miss!,
        };
        double maxSmChi2 = 0;
        foreach (var (name, x) in observed)
        {
            var (lo, hi) = name == EventSchema.M2Miss ? (-2.0, 6.0) : name == EventSchema.Q2 ? (-1.0, 12.0) : name == EventSchema.Chi ? (-Math.PI, Math.PI) : (-1.0, 1.0);
            const int bins = 20;
            double chi2 = Chi2(sm.GetColumn(name), w, x, lo, hi, bins);
            Assert.True(chi2 < bins - 1 + 5 * Math.Sqrt(2 * (bins - 1)), $"{name}: chi2 = {chi2:F1} for {bins - 1} dof");
            maxSmChi2 = Math.Max(maxSmChi2, Chi2(sm.GetColumn(name), null, x, lo, hi, bins));
        }
        // The test has power: the un-reweighted SM sample is clearly incompatible with the V_R = 0.5 sample.
        Assert.True(maxSmChi2 > 200, $"SM vs V_R=0.5 max chi2 only {maxSmChi2:F1}");
    }

    /// <summary>χ² between two normalised (weighted) histograms with per-bin Σw² errors.</summary>
    private static double Chi2(double[] xa, double[]? wa, double[] xb, double lo, double hi, int bins)
    {
        var (ha, ea) = Hist(xa, wa, lo, hi, bins);
        var (hb, eb) = Hist(xb, null, lo, hi, bins);
        double sa = ha.Sum(), sb = hb.Sum(), chi2 = 0;
        for (int b = 0; b < bins; b++)
        {
            double v = ea[b] / (sa * sa) + eb[b] / (sb * sb);
            if (v > 0) chi2 += Math.Pow(ha[b] / sa - hb[b] / sb, 2) / v;
        }
        return chi2;
    }

    private static (double[] H, double[] W2) Hist(double[] x, double[]? w, double lo, double hi, int bins)
    {
        var h = new double[bins];
        var w2 = new double[bins];
        for (int i = 0; i < x.Length; i++)
        {
            if (!(x[i] >= lo && x[i] < hi)) continue;
            int b = (int)((x[i] - lo) / (hi - lo) * bins);
            double wi = w?[i] ?? 1;
            h[b] += wi;
            w2[b] += wi * wi;
        }
        return (h, w2);
    }
}
