using SbiFit.Physics.Detector;

namespace SbiFit.Cli.Pipeline;

/// <summary>
/// Configuration of the end-to-end pipeline (<c>sbifit demo</c> / <c>sbifit run CONFIG</c>). Keys are snake_case; every
/// section is optional and defaults to the demo's small settings. Load with <see cref="PipelineConfigLoader"/>.
/// </summary>
public sealed record PipelineConfig
{
    /// <summary>Master seed; the train sample uses it, the test sample <c>seed + TestSeedOffset</c>.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Run folder (relative paths are relative to the current directory).</summary>
    public string Out { get; init; } = "sbifit-demo";

    /// <summary>Generated event counts (before acceptance and selection).</summary>
    public EventCounts Events { get; init; } = new();

    /// <summary>Generator and reconstruction settings.</summary>
    public GeneratorSection Generator { get; init; } = new();

    /// <summary>Wilson-coefficient parameters and their ranges.</summary>
    public WilsonSection Wilson { get; init; } = new();

    /// <summary>Theory-aware network architecture.</summary>
    public NetworkSection Network { get; init; } = new();

    /// <summary>Training settings.</summary>
    public TrainingSection Training { get; init; } = new();

    /// <summary>Fit settings (backend, Asimov points, scans, MINOS, toys).</summary>
    public FitSection Fit { get; init; } = new();

    /// <summary>Classical binned template fit settings.</summary>
    public ClassicalSection Classical { get; init; } = new();

    /// <summary>Report settings.</summary>
    public ReportSection Report { get; init; } = new();

    /// <summary>Offset between the train and the test generator seeds.</summary>
    public const ulong TestSeedOffset = 1_000_003;
}

/// <summary>Event counts of the train and test samples (generated, before acceptance).</summary>
public sealed record EventCounts
{
    /// <summary>Generated training events.</summary>
    public long Train { get; init; } = 200_000;

    /// <summary>Generated test events (Asimov templates and oracle).</summary>
    public long Test { get; init; } = 50_000;
}

/// <summary>Generator settings: lepton, truth-only mode and the detector model.</summary>
public sealed record GeneratorSection
{
    /// <summary>Charged lepton: <c>mu</c> (default), <c>e</c> or <c>tau</c> (also the full names).</summary>
    public string Lepton { get; init; } = "mu";

    /// <summary>Skip reconstruction: the features are the true kinematics (m2_miss is then 0).</summary>
    public bool TruthOnly { get; init; }

    /// <summary>Detector and selection settings (<see cref="DetectorConfig"/>, snake_case keys).</summary>
    public DetectorConfig Detector { get; init; } = new();
}

/// <summary>The fitted Wilson-coefficient parameters.</summary>
public sealed record WilsonSection
{
    /// <summary>Parameters (e.g. <c>V_R</c>, <c>Im_V_R</c>, <c>S_L</c>) with their prior/training ranges.</summary>
    public WilsonRange[] Parameters { get; init; } = { new() };
}

/// <summary>One Wilson-coefficient parameter and its range [lo, hi].</summary>
public sealed record WilsonRange
{
    /// <summary>Parameter name (WilsonParameterMap syntax).</summary>
    public string Name { get; init; } = "V_R";

    /// <summary>Lower end of the range.</summary>
    public double Lo { get; init; } = -1;

    /// <summary>Upper end of the range.</summary>
    public double Hi { get; init; } = 1;
}

/// <summary>Network architecture.</summary>
public sealed record NetworkSection
{
    /// <summary>Hidden-layer widths.</summary>
    public int[] Hidden { get; init; } = { 100, 100 };

    /// <summary>Activation: relu, tanh or silu.</summary>
    public string Activation { get; init; } = "relu";

    /// <summary>
    /// Latent input dimensions that only θ·V reaches (null = one per Wilson coefficient; 0 = the seed's pure shift
    /// s_base(x + v(θ)), which biases Asimov fits because it cannot represent the exact log-ratio).
    /// </summary>
    public int? LatentInputs { get; init; }
}

/// <summary>Training settings.</summary>
public sealed record TrainingSection
{
    /// <summary>Maximum epochs. 200 at ~0.1–0.3 s/epoch for 200k rows keeps the demo near a minute of training on 2 cores.</summary>
    public int Epochs { get; init; } = 500;

    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 5e-3;

    /// <summary>L2 weight decay.</summary>
    public double L2 { get; init; }

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; }

    /// <summary>
    /// Early-stopping patience in epochs (0 = off); the best test-loss epoch's weights are kept. 50 by default: the demo
    /// network overfits after ~300 epochs (heavy-tailed NP weights near V_R = 1), and stopping there cut its worst Asimov
    /// pull from 3.9σ to 1.0σ.
    /// </summary>
    public int Patience { get; init; } = 50;

    /// <summary>
    /// Full-batch L-BFGS iterations after Adam (0 = off, the default: on the demo's 200k-row ReLU training a polish
    /// costs as much again as Adam); the lowest held-out loss is kept. See docs/likelihood.md, "Training polish".
    /// </summary>
    public int Polish { get; init; }

    /// <summary>Worker threads (0 = all cores).</summary>
    public int Threads { get; init; }

    /// <summary>Fraction of the training sample held out for validation, in (0, 1).</summary>
    public double ValidationFraction { get; init; } = 0.2;
}

/// <summary>Fit settings.</summary>
public sealed record FitSection
{
    /// <summary>NLL backend for the learned likelihood: interpreted, runtime, codegen or codegen-ad.</summary>
    public string Backend { get; init; } = "interpreted";

    /// <summary>Asimov generation points; one entry per point, each a number (one WC) or a list (one value per WC).</summary>
    public double[][] ThetaGen { get; init; } = { new[] { -0.5 }, new[] { -0.25 }, new[] { 0.0 }, new[] { 0.25 }, new[] { 0.5 } };

    /// <summary>Points of each NLL scan over the parameter range.</summary>
    public int ScanPoints { get; init; } = 41;

    /// <summary>Run MINOS after HESSE.</summary>
    public bool Minos { get; init; } = true;

    /// <summary>Pseudo-experiments per theta_gen (0 = Asimov only).</summary>
    public int Toys { get; init; }

    /// <summary>Seed of the pseudo-experiments.</summary>
    public ulong ToySeed { get; init; } = 7;
}

/// <summary>Classical binned template fit settings.</summary>
public sealed record ClassicalSection
{
    /// <summary>Binning spec: <c>default</c>, <c>quantile</c> or an explicit spec (see Binning.Parse).</summary>
    public string Bins { get; init; } = "default";

    /// <summary>Barlow-Beeston-lite MC statistical uncertainty.</summary>
    public bool McStat { get; init; }

    /// <summary>Relative normalisation uncertainty (Gaussian-constrained mu_norm); null = none.</summary>
    public double? NormUncertainty { get; init; }
}

/// <summary>Report settings.</summary>
public sealed record ReportSection
{
    /// <summary>Write report.html.</summary>
    public bool Enabled { get; init; } = true;
}
