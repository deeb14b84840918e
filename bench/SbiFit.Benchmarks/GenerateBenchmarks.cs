using BenchmarkDotNet.Attributes;
using SbiFit.Data;
using SbiFit.Data.Reweighting;
using SbiFit.Data.Simulation;
using SbiFit.Physics;
using SbiFit.Physics.Detector;

namespace SbiFit.Benchmarks;

/// <summary>Generation (truth + reconstruction + weight matrix, 2 threads) and reweighting of 10⁶ events.</summary>
[MemoryDiagnoser]
public class GenerateBenchmarks
{
    private Reweighter _reweighter = null!;
    private double[] _dest = null!;
    private readonly WilsonCoefficients _vr = WilsonCoefficients.Parse("V_R=0.5");
    private readonly WilsonCoefficients _general = WilsonCoefficients.Parse("V_L=0.1,V_R=0.2-0.1i,S_L=0.1i,S_R=-0.2,T_L=0.05+0.02i");

    [GlobalSetup]
    public void Setup()
    {
        EventTable t = SampleSimulation.Run(new GeneratorConfig { Events = 100_000, Seed = 3, TruthOnly = true, Threads = 2 }).Table;
        var idx = Enumerable.Range(0, 1_000_000).Select(i => i % t.RowCount).ToArray();
        _reweighter = new Reweighter(t.Select(idx)) { Threads = 2 };
        _dest = new double[_reweighter.Count];
    }

    /// <summary>10⁵ generated events, full chain; events/s = 1e5 / time.</summary>
    [Benchmark]
    public long GenerateTruthRecoWeights100k() =>
        SampleSimulation.Run(new GeneratorConfig { Events = 100_000, Seed = 5, Threads = 2 }).Accepted;

    /// <summary>Reweight 10⁶ events to V_R = 0.5.</summary>
    [Benchmark]
    public void ReweightMillionVR() => _reweighter.RawWeights(_vr, _dest);

    /// <summary>Reweight 10⁶ events to a general complex point (all 25 terms).</summary>
    [Benchmark]
    public void ReweightMillionGeneral() => _reweighter.RawWeights(_general, _dest);
}
