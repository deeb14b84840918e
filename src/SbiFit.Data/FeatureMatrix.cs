namespace SbiFit.Data;

/// <summary>Network inputs from an event table: named columns interleaved into a row-major float32 matrix.</summary>
public static class FeatureMatrix
{
    /// <summary>
    /// Row-major [N, names.Count] float32 matrix of the named columns; every missing column is listed at once and a
    /// non-finite value is reported with its column and row (<see cref="DataException"/>).
    /// </summary>
    public static float[] Gather(EventTable table, IReadOnlyList<string> names) =>
        RowMajor(DataValidation.MatchFeatures(table, names), names, table.Source);

    /// <summary>Interleaves equal-length columns into a row-major float32 matrix, rejecting NaN/Inf by column and row.</summary>
    public static float[] RowMajor(IReadOnlyList<double[]> columns, IReadOnlyList<string> names, string? source)
    {
        int n = columns.Count, rows = n == 0 ? 0 : columns[0].Length;
        var x = new float[(long)rows * n];
        for (int k = 0; k < n; k++)
        {
            var column = columns[k];
            for (int i = 0; i < rows; i++)
            {
                double v = column[i];
                if (!double.IsFinite(v))
                    throw new DataException($"row {i} is {v} (features must be finite)", source, names[k]);
                x[(long)i * n + k] = (float)v;
            }
        }
        return x;
    }
}
