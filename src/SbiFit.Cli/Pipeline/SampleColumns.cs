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
        const int p = WeightMatrixLayout.PackedLength;
        int n = table.RowCount;
        var packed = new double[(long)n * p];
        for (int k = 0; k < p; k++)
        {
            var col = table.GetColumn(WeightMatrixLayout.ColumnNames[k]);
            for (int i = 0; i < n; i++) packed[(long)i * p + k] = col[i];
        }
        return new SampleColumns(table, packed);
    }

    /// <summary>Per-event weight r(x; c) = Σ_ij c_i c_j* W_ij/W₀₀ for coefficient vector c.</summary>
    public double[] Weights(ReadOnlySpan<System.Numerics.Complex> c)
    {
        double[] a = WeightMatrixLayout.LinearForm(c);
        const int p = WeightMatrixLayout.PackedLength;
        var w = new double[Count];
        for (int i = 0; i < w.Length; i++)
        {
            var row = PackedW.AsSpan(i * p, p);
            double s = 0;
            for (int k = 0; k < p; k++) s += a[k] * row[k];
            w[i] = s;
        }
        return w;
    }
}
