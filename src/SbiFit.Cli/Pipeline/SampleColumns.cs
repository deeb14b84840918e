using SbiFit.Data;
using SbiFit.Physics;

namespace SbiFit.Cli.Pipeline;

/// <summary>Reads a pipeline sample back: features and the packed weight matrices [N × 25].</summary>
internal sealed record SampleColumns(EventTable Table, double[] PackedW)
{
    public int Count => Table.RowCount;

    public static SampleColumns Read(string path)
    {
        var required = EventSchema.Features.Concat(WeightMatrixLayout.ColumnNames).ToArray();
        var table = EventTableIO.Read(path, new EventReadOptions { RequiredColumns = required });
        return new SampleColumns(table, WeightMatrixColumns.Pack(table));
    }

    private Data.Reweighting.Reweighter? _reweighter;

    /// <summary>Per-event weight r(x; c) = Σ_ij c_i c_j* W_ij/W₀₀ for coefficient vector c (the shared reweighting kernel).</summary>
    public double[] Weights(ReadOnlySpan<System.Numerics.Complex> c) =>
        (_reweighter ??= new Data.Reweighting.Reweighter(Table)).RawWeights(new WilsonCoefficients(c[0] - 1, c[1], c[2], c[3], c[4]));
}
