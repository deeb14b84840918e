using BenchmarkDotNet.Attributes;
using SbiFit.Cli.Commands;
using SbiFit.Data;
using SbiFit.Inference.Templates;

namespace SbiFit.Benchmarks;

/// <summary>
/// Classical template fit (issue 5): template building from 1e6 events (target &lt; 0.5 s) and MIGRAD+HESSE on the
/// default 2500 bins with and without Barlow-Beeston-lite (target &lt; 50 ms). Same workload as <c>sbifit bench classical</c>.
/// </summary>
[MemoryDiagnoser]
public class ClassicalBenchmarks
{
    private EventTable _training = null!;
    private ClassicalFit _plain = null!;
    private ClassicalFit _bbLite = null!;

    /// <summary>Events in the synthetic training sample.</summary>
    [Params(1_000_000)]
    public int Events { get; set; }

    /// <summary>Builds the sample and both fits once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _training = ClassicalBenchmarkWorkload.SyntheticTraining(Events);
        _plain = ClassicalBenchmarkWorkload.AsimovFit(_training, barlowBeestonLite: false);
        _bbLite = ClassicalBenchmarkWorkload.AsimovFit(_training, barlowBeestonLite: true);
    }

    /// <summary>2500-bin templates from the w_* columns.</summary>
    [Benchmark]
    public TemplateSet BuildTemplates() => ClassicalBenchmarkWorkload.BuildTemplates(_training);

    /// <summary>MIGRAD + HESSE, 2 POIs, no MC-stat nuisances.</summary>
    [Benchmark]
    public ClassicalFitResult FitPlain() => _plain.Fit();

    /// <summary>MIGRAD + HESSE, 2 POIs, Barlow-Beeston-lite.</summary>
    [Benchmark]
    public ClassicalFitResult FitBarlowBeestonLite() => _bbLite.Fit();
}
