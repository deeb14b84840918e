using SbiFit.Data;
using SbiFit.Physics;
using SbiFit.Physics.Detector;

namespace SbiFit.Cli.Pipeline;

/// <summary>
/// Extension point for the "simulate + reweight" step: produces an event table with the reconstructed features, the
/// truth columns, <c>event_id</c> and the 25 weight-matrix columns W(x)/W₀₀ (<see cref="WeightMatrixLayout.ColumnNames"/>).
/// The pipeline uses <see cref="GeneratorSimulation"/> until the shared data-layer glue replaces it.
/// </summary>
public interface ISampleSimulation
{
    /// <summary>Generates an SM sample with per-event weight matrices.</summary>
    EventTable Simulate(GeneratorConfig generator, Lepton lepton, IProgress<double>? progress);
}

/// <summary>
/// Minimal <see cref="ISampleSimulation"/>: <see cref="EventGenerator"/> with an SM <see cref="SmTruthSampler"/>
/// (HFLAV 2019 CLN form factors), then <see cref="WeightMatrix.Compute"/> at the true kinematics of every stored event.
/// Truth-only samples use the true angles as features and m²_miss = 0.
/// </summary>
public sealed class GeneratorSimulation : ISampleSimulation
{
    /// <inheritdoc />
    public EventTable Simulate(GeneratorConfig generator, Lepton lepton, IProgress<double>? progress)
    {
        IFormFactors ff = FormFactorsCln.Hflav2019;
        var sampler = new SmTruthSampler(lepton, ff);
        var sample = EventGenerator.Generate(generator, sampler.Sample, progress is null ? null : new ScaledProgress(progress, 0, 0.8));
        int n = sample.Count;
        var table = new EventTable();
        table.AddColumn(EventSchema.EventId, sample.EventId.Select(v => (double)v).ToArray());
        bool reco = sample.Q2 is not null;
        table.AddColumn(EventSchema.Q2, reco ? sample.Q2! : sample.TrueQ2);
        table.AddColumn(EventSchema.CosThetaD, reco ? sample.CosThetaD! : sample.TrueCosThetaD);
        table.AddColumn(EventSchema.CosThetaL, reco ? sample.CosThetaL! : sample.TrueCosThetaL);
        table.AddColumn(EventSchema.Chi, reco ? sample.Chi! : sample.TrueChi);
        table.AddColumn(EventSchema.M2Miss, reco ? sample.M2Miss! : new double[n]);
        table.AddColumn(EventSchema.TrueQ2, sample.TrueQ2);
        table.AddColumn(EventSchema.TrueCosThetaD, sample.TrueCosThetaD);
        table.AddColumn(EventSchema.TrueCosThetaL, sample.TrueCosThetaL);
        table.AddColumn(EventSchema.TrueChi, sample.TrueChi);

        const int p = WeightMatrixLayout.PackedLength;
        var columns = new double[p][];
        for (int k = 0; k < p; k++) columns[k] = new double[n];
        int done = 0;
        Parallel.For(0, (n + 4095) / 4096, new ParallelOptions { MaxDegreeOfParallelism = generator.Threads > 0 ? generator.Threads : -1 }, b =>
        {
            Span<double> packed = stackalloc double[p];
            for (int i = b * 4096, end = Math.Min(n, i + 4096); i < end; i++)
            {
                WeightMatrix.Compute(sample.GetTruth(i), lepton, ff, packed);
                for (int k = 0; k < p; k++) columns[k][i] = packed[k];
            }
            progress?.Report(0.8 + 0.2 * Interlocked.Add(ref done, 4096) / Math.Max(1, n));
        });
        for (int k = 0; k < p; k++) table.AddColumn(WeightMatrixLayout.ColumnNames[k], columns[k]);
        table.Metadata["generator_config"] = generator.ToJson();
        table.Metadata["generated"] = sample.Generated.ToString(System.Globalization.CultureInfo.InvariantCulture);
        table.Metadata["efficiency"] = sample.Efficiency.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return table;
    }

    private sealed class ScaledProgress(IProgress<double> inner, double offset, double scale) : IProgress<double>
    {
        public void Report(double value) => inner.Report(offset + scale * value);
    }
}
