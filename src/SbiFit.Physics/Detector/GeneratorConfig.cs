using System.Text.Json;

namespace SbiFit.Physics.Detector;

/// <summary>
/// Settings of <see cref="EventGenerator"/>. JSON keys are snake_case (<c>events</c>, <c>seed</c>, <c>lepton_mass</c>,
/// <c>truth_only</c>, <c>keep_rejected</c>, <c>threads</c>, <c>detector</c>).
/// </summary>
public sealed record GeneratorConfig
{
    /// <summary>Number of events to generate (before acceptance and selection).</summary>
    public long Events { get; init; } = 100_000;

    /// <summary>Master seed; chunk k uses <c>new Rng(Seed, k)</c>.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Charged-lepton mass [GeV]; default the muon, 0.1056583755.</summary>
    public double LeptonMass { get; init; } = 0.1056583755;

    /// <summary>Skip reconstruction: every generated event is kept and the reconstructed columns are null.</summary>
    public bool TruthOnly { get; init; }

    /// <summary>
    /// Keep events that fail acceptance × selection (with <c>accepted = false</c>). Default false: only accepted events are
    /// stored and <see cref="GeneratedSample.Efficiency"/> gives accepted/generated.
    /// </summary>
    public bool KeepRejected { get; init; }

    /// <summary>Worker threads; 0 = all cores. The output does not depend on it.</summary>
    public int Threads { get; init; }

    /// <summary>Detector and selection settings.</summary>
    public DetectorConfig Detector { get; init; } = new();

    /// <summary>Throws <see cref="GeneratorConfigException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (Events < 0 || Events > Array.MaxLength)
            throw new GeneratorConfigException($"generator option 'events': must be in [0, {Array.MaxLength}], got {Events}");
        if (!(LeptonMass >= 0 && LeptonMass < 2))
            throw new GeneratorConfigException($"generator option 'lepton_mass': must be in [0, 2) GeV, got {LeptonMass}");
        if (Threads < 0)
            throw new GeneratorConfigException($"generator option 'threads': must be 0 (all cores) or positive, got {Threads}");
        if (Detector is null) throw new GeneratorConfigException("generator option 'detector': must not be null");
        Detector.Validate();
    }

    /// <summary>Serialises to indented snake_case JSON (suitable for file metadata).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ConfigJson.Options);

    /// <summary>Parses snake_case JSON (unknown keys are an error; missing keys keep their defaults) and validates.</summary>
    public static GeneratorConfig FromJson(string json)
    {
        GeneratorConfig c = ConfigJson.Parse<GeneratorConfig>(json, "generator config");
        c.Validate();
        return c;
    }
}
