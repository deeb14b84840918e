using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using SbiFit.Physics;
using SbiFit.Physics.Detector;

namespace SbiFit.Data.Simulation;

/// <summary>Outcome of <see cref="SampleSimulation.Run"/>: the event table plus the generation counters.</summary>
/// <param name="Table">Events with the columns of docs/physics.md and the generator metadata.</param>
/// <param name="Generated">Events generated before acceptance and selection.</param>
/// <param name="Accepted">Events passing acceptance × selection (= rows of <paramref name="Table"/>).</param>
/// <param name="Seconds">Wall time of generation, reconstruction and weight matrices.</param>
public sealed record SimulationResult(EventTable Table, long Generated, long Accepted, double Seconds)
{
    /// <summary>Acceptance × selection efficiency.</summary>
    public double Efficiency => Generated == 0 ? 0 : (double)Accepted / Generated;
}

/// <summary>
/// Glue from the generator to event tables: runs <see cref="EventGenerator"/> with the exact SM sampler and attaches the
/// per-event weight matrix W(x)/W₀₀(x) from the TRUE kinematics. For <c>--truth-only</c> samples the reconstructed
/// columns hold the true values (a perfect detector) and <c>m2_miss</c> = 0, <c>e_mu_star</c> = the true E*_ℓ is not
/// available and is omitted; metadata key <c>truth_only</c> says so.
/// </summary>
public static class SampleSimulation
{
    /// <summary>WC basis written to metadata.</summary>
    public const string WcBasis = "c=(1+V_L,V_R,S_L,S_R,T_L)";

    /// <summary>Rows per weight-matrix work item (fixed, so the result does not depend on the thread count).</summary>
    private const int WeightChunk = 8192;

    /// <summary>
    /// Generates a sample. The lepton mass of <paramref name="config"/> is replaced by <paramref name="lepton"/>'s mass.
    /// </summary>
    public static SimulationResult Run(GeneratorConfig config, Lepton lepton = Lepton.Muon, IFormFactors? formFactors = null,
        IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        formFactors ??= FormFactorsCln.Hflav2019;
        config = config with { LeptonMass = lepton.Mass() };
        config.Validate();
        var sw = Stopwatch.StartNew();
        var sampler = new SmTruthSampler(lepton, formFactors);
        // Generation is ~80 % of the work; the weight matrices the rest.
        var genProgress = progress is null ? null : new ScaledProgress(progress, 0, 0.8);
        GeneratedSample sample = EventGenerator.Generate(config, sampler.Sample, genProgress);
        double[][] w = ComputeWeightColumns(sample, lepton, formFactors, config.Threads, progress);
        EventTable table = BuildTable(sample, w, lepton);
        progress?.Report(1.0);
        return new SimulationResult(table, sample.Generated, sample.AcceptedCount, sw.Elapsed.TotalSeconds);
    }

    /// <summary>Weight-matrix columns (struct of arrays, 25 × N) from the true kinematics, in parallel fixed chunks.</summary>
    public static double[][] ComputeWeightColumns(GeneratedSample sample, Lepton lepton, IFormFactors formFactors,
        int threads = 0, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(sample);
        int n = sample.Count;
        var cols = new double[WeightMatrixLayout.PackedLength][];
        for (int k = 0; k < cols.Length; k++) cols[k] = new double[n];
        int nChunks = (n + WeightChunk - 1) / WeightChunk;
        int done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : -1 };
        Parallel.For(0, nChunks, options, chunk =>
        {
            Span<double> packed = stackalloc double[WeightMatrixLayout.PackedLength];
            int start = chunk * WeightChunk, end = Math.Min(n, start + WeightChunk);
            for (int i = start; i < end; i++)
            {
                WeightMatrix.Compute(sample.GetTruth(i), lepton, formFactors, packed);
                for (int k = 0; k < packed.Length; k++) cols[k][i] = packed[k];
            }
            int f = Interlocked.Increment(ref done);
            progress?.Report(0.8 + 0.2 * f / nChunks);
        });
        return cols;
    }

    private static EventTable BuildTable(GeneratedSample s, double[][] w, Lepton lepton)
    {
        var t = new EventTable();
        bool truthOnly = s.Q2 is null;
        t.AddColumn(EventSchema.Q2, truthOnly ? (double[])s.TrueQ2.Clone() : s.Q2!);
        t.AddColumn(EventSchema.CosThetaD, truthOnly ? (double[])s.TrueCosThetaD.Clone() : s.CosThetaD!);
        t.AddColumn(EventSchema.CosThetaL, truthOnly ? (double[])s.TrueCosThetaL.Clone() : s.CosThetaL!);
        t.AddColumn(EventSchema.Chi, truthOnly ? (double[])s.TrueChi.Clone() : s.Chi!);
        t.AddColumn(EventSchema.M2Miss, truthOnly ? new double[s.Count] : s.M2Miss!);
        if (!truthOnly) t.AddColumn(EventSchema.EMuStar, s.EMuStar!);
        t.AddColumn(EventSchema.TrueQ2, s.TrueQ2);
        t.AddColumn(EventSchema.TrueCosThetaD, s.TrueCosThetaD);
        t.AddColumn(EventSchema.TrueCosThetaL, s.TrueCosThetaL);
        t.AddColumn(EventSchema.TrueChi, s.TrueChi);
        for (int k = 0; k < w.Length; k++) t.AddColumn(WeightMatrixLayout.ColumnNames[k], w[k]);
        var ids = new double[s.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = s.EventId[i];
        t.AddColumn(EventSchema.EventId, ids);

        var inv = CultureInfo.InvariantCulture;
        // Threads does not change the events; recorded as 0 so files are identical for any thread count.
        t.Metadata["generator_config"] = (s.Config with { Threads = 0 }).ToJson();
        t.Metadata["seed"] = s.Config.Seed.ToString(inv);
        t.Metadata["lepton"] = LeptonName(lepton);
        t.Metadata["wc_basis"] = WcBasis;
        t.Metadata["sbifit_version"] = Version;
        t.Metadata["generated"] = s.Generated.ToString(inv);
        t.Metadata["accepted"] = s.AcceptedCount.ToString(inv);
        t.Metadata["efficiency"] = s.Efficiency.ToString("R", inv);
        t.Metadata["truth_only"] = truthOnly ? "true" : "false";
        if (truthOnly) t.Metadata["truth_only_note"] = "reconstructed columns hold the true values; m2_miss = 0; no e_mu_star";
        t.Metadata["weight_matrix"] = "w_* = W(x)/W00(x) from true kinematics, layout WeightMatrixLayout (re upper incl. diag, im strict upper)";
        return t;
    }

    /// <summary>Short lepton name used on the command line and in metadata (mu, e, tau).</summary>
    public static string LeptonName(Lepton lepton) => lepton switch
    {
        Lepton.Electron => "e",
        Lepton.Muon => "mu",
        _ => "tau",
    };

    /// <summary>Parses mu/e/tau (also muon, electron).</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static Lepton ParseLepton(string text) => text.Trim().ToLowerInvariant() switch
    {
        "mu" or "muon" => Lepton.Muon,
        "e" or "electron" => Lepton.Electron,
        "tau" => Lepton.Tau,
        _ => throw new FormatException($"option '--lepton': unknown lepton '{text}'; use mu, e or tau"),
    };

    /// <summary>SbiFit version string (assembly informational version without build metadata).</summary>
    public static string Version { get; } =
        (typeof(SampleSimulation).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];

    private sealed class ScaledProgress(IProgress<double> inner, double offset, double scale) : IProgress<double>
    {
        public void Report(double value) => inner.Report(offset + scale * value);
    }
}
