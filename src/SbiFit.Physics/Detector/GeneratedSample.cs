namespace SbiFit.Physics.Detector;

/// <summary>
/// Struct-of-arrays output of <see cref="EventGenerator.Generate"/>. Index i of every array is the same event.
/// Reconstructed arrays are null for truth-only samples.
/// </summary>
public sealed record GeneratedSample
{
    /// <summary>The configuration that produced the sample.</summary>
    public required GeneratorConfig Config { get; init; }

    /// <summary>Number of generated events (before acceptance and selection).</summary>
    public required long Generated { get; init; }

    /// <summary>Number of accepted events (equals <see cref="Count"/> unless rejected events are kept).</summary>
    public required long AcceptedCount { get; init; }

    /// <summary>Acceptance × selection efficiency, accepted/generated (1 for truth-only).</summary>
    public double Efficiency => Generated == 0 ? 0 : (double)AcceptedCount / Generated;

    /// <summary>Number of stored events.</summary>
    public int Count => EventId.Length;

    /// <summary>Index of the event among the generated ones (stable for a given seed).</summary>
    public required long[] EventId { get; init; }

    /// <summary>True q² [GeV²].</summary>
    public required double[] TrueQ2 { get; init; }

    /// <summary>True cos θ_D.</summary>
    public required double[] TrueCosThetaD { get; init; }

    /// <summary>True cos θ_ℓ.</summary>
    public required double[] TrueCosThetaL { get; init; }

    /// <summary>True χ.</summary>
    public required double[] TrueChi { get; init; }

    /// <summary>True B transverse momentum [GeV].</summary>
    public required double[] BPt { get; init; }

    /// <summary>True B pseudorapidity.</summary>
    public required double[] BEta { get; init; }

    /// <summary>Reconstructed q² [GeV²].</summary>
    public double[]? Q2 { get; init; }

    /// <summary>Reconstructed cos θ_D.</summary>
    public double[]? CosThetaD { get; init; }

    /// <summary>Reconstructed cos θ_ℓ.</summary>
    public double[]? CosThetaL { get; init; }

    /// <summary>Reconstructed χ.</summary>
    public double[]? Chi { get; init; }

    /// <summary>Reconstructed M²_miss [GeV²].</summary>
    public double[]? M2Miss { get; init; }

    /// <summary>Reconstructed E*_μ [GeV].</summary>
    public double[]? EMuStar { get; init; }

    /// <summary>Acceptance × selection flag (all true unless rejected events are kept; null for truth-only).</summary>
    public bool[]? Accepted { get; init; }

    /// <summary>The true phase-space point of event <paramref name="i"/> (for weights from TRUE kinematics).</summary>
    public TruthPoint GetTruth(int i) => new(TrueQ2[i], TrueCosThetaD[i], TrueCosThetaL[i], TrueChi[i]);
}
