using SbiFit.Physics;

namespace SbiFit.Data;

/// <summary>The 25 <c>w_*</c> columns of an event table (<see cref="WeightMatrixLayout.ColumnNames"/>) as one array.</summary>
public static class WeightMatrixColumns
{
    /// <summary>True when the table holds every weight-matrix column.</summary>
    public static bool Present(EventTable table) => WeightMatrixLayout.ColumnNames.All(table.HasColumn);

    /// <summary>
    /// Row-major [N, 25] packed W(x)/W₀₀ of every event. A missing column or a non-finite entry is a
    /// <see cref="DataException"/> naming the file, the column and (for NaN/Inf) the first bad row.
    /// </summary>
    public static double[] Pack(EventTable table)
    {
        DataValidation.RequireColumns(table, WeightMatrixLayout.ColumnNames);
        DataValidation.RequireFinite(table, WeightMatrixLayout.ColumnNames);
        const int p = WeightMatrixLayout.PackedLength;
        int n = table.RowCount;
        var packed = new double[(long)n * p];
        for (int k = 0; k < p; k++)
        {
            var column = table.GetColumn(WeightMatrixLayout.ColumnNames[k]);
            for (int i = 0; i < n; i++) packed[(long)i * p + k] = column[i];
        }
        return packed;
    }
}
