namespace SbiFit.Data;

/// <summary>Schema and value checks applied when reading an event table (Parquet or CSV).</summary>
public sealed record EventReadOptions
{
    /// <summary>Columns that must be present; a missing one gives a <see cref="DataException"/> listing the available columns.</summary>
    public IReadOnlyList<string> RequiredColumns { get; init; } = Array.Empty<string>();

    /// <summary>When set, only these columns are loaded (they must exist); null loads every column.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>Columns in which NaN or infinity is rejected (message names file, column and first bad row).</summary>
    public IReadOnlyList<string> FiniteColumns { get; init; } = Array.Empty<string>();

    /// <summary>Reject NaN/infinity in every loaded column.</summary>
    public bool RequireAllFinite { get; init; }

    /// <summary>Default options: no required columns, no finiteness check.</summary>
    public static EventReadOptions Default { get; } = new();

    /// <summary>Applies the post-load checks (finiteness) to a freshly read table.</summary>
    internal void CheckValues(EventTable table)
    {
        var cols = RequireAllFinite ? table.ColumnNames : FiniteColumns;
        DataValidation.RequireColumns(table, cols);
        DataValidation.RequireFinite(table, cols);
    }

    /// <summary>Which of the file's columns to load, after checking required and selected columns exist.</summary>
    internal IReadOnlyList<string> ColumnsToLoad(IReadOnlyList<string> fileColumns, string? source)
    {
        DataValidation.RequireColumns(fileColumns, RequiredColumns, source);
        if (Columns is null) return fileColumns;
        DataValidation.RequireColumns(fileColumns, Columns, source);
        return Columns.Distinct().ToList();
    }
}
