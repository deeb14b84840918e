using SbiFit.Data;
using SbiFit.Data.Simulation;
using SbiFit.Physics;
using SbiFit.Physics.Detector;

namespace SbiFit.Cli.Pipeline;

/// <summary>
/// The "simulate" step of the pipeline: produces an event table with the reconstructed features, the truth columns,
/// <c>event_id</c> and the 25 weight-matrix columns W(x)/W₀₀ (<see cref="WeightMatrixLayout.ColumnNames"/>).
/// An interface so tests can substitute a cheaper simulation.
/// </summary>
public interface ISampleSimulation
{
    /// <summary>Generates an SM sample with per-event weight matrices.</summary>
    EventTable Simulate(GeneratorConfig generator, Lepton lepton, IProgress<double>? progress);
}

/// <summary>The standard simulation: <see cref="SampleSimulation.Run"/> (the same code as <c>sbifit generate</c>).</summary>
public sealed class GeneratorSimulation : ISampleSimulation
{
    /// <inheritdoc />
    public EventTable Simulate(GeneratorConfig generator, Lepton lepton, IProgress<double>? progress) =>
        SampleSimulation.Run(generator, lepton, FormFactorsCln.Hflav2019, progress).Table;
}
