namespace SbiFit.Data;

/// <summary>Checks on event tables that throw <see cref="DataException"/> with a message naming file and column.</summary>
public static class DataValidation
{
    /// <summary>Throws unless every name in <paramref name="required"/> is a column; the message lists missing and available columns.</summary>
    public static void RequireColumns(EventTable table, IEnumerable<string> required)
    {
        ArgumentNullException.ThrowIfNull(table);
        RequireColumns(table.ColumnNames, required, table.Source);
    }

    /// <summary>Same as <see cref="RequireColumns(EventTable, IEnumerable{string})"/> on a bare list of column names (e.g. a file schema).</summary>
    public static void RequireColumns(IReadOnlyList<string> available, IEnumerable<string> required, string? source)
    {
        ArgumentNullException.ThrowIfNull(required);
        var set = new HashSet<string>(available, StringComparer.Ordinal);
        var missing = required.Where(r => !set.Contains(r)).Distinct().ToList();
        if (missing.Count == 0) return;
        throw new DataException(DescribeMissing(missing, available), source, missing.Count == 1 ? missing[0] : null);
    }

    /// <summary>
    /// Returns the feature columns in the order of <paramref name="expected"/> (by reference); throws listing every
    /// missing feature (with close-name suggestions) when any is absent.
    /// </summary>
    public static double[][] MatchFeatures(EventTable table, IReadOnlyList<string> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        RequireColumns(table, expected);
        return expected.Select(table.GetColumn).ToArray();
    }

    /// <summary>Throws when the table has no rows.</summary>
    public static void RequireNonEmpty(EventTable table, string what = "event table")
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.RowCount == 0 || table.ColumnNames.Count == 0)
            throw new DataException($"{what} is empty ({table.RowCount} rows, {table.ColumnNames.Count} columns)", table.Source);
    }

    /// <summary>Throws at the first NaN or infinity in any of the named columns, naming the column and the row.</summary>
    public static void RequireFinite(EventTable table, IEnumerable<string> columns)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(columns);
        foreach (var name in columns)
            RequireFinite(table.GetColumn(name), name, table.Source);
    }

    /// <summary>Throws at the first NaN or infinity in <paramref name="values"/>.</summary>
    public static void RequireFinite(ReadOnlySpan<double> values, string column, string? source)
    {
        int bad = FirstNonFinite(values);
        if (bad >= 0)
            throw new DataException($"non-finite value {Format(values[bad])} at row {bad} (0-based)", source, column);
    }

    /// <summary>
    /// Checks an event-weight column: all finite, non-negative when <paramref name="requireNonNegative"/>, and not all zero
    /// (a sum of weights of zero cannot be normalised).
    /// </summary>
    public static void CheckWeights(EventTable table, string column, bool requireNonNegative = true)
    {
        ArgumentNullException.ThrowIfNull(table);
        CheckWeights(table.GetColumn(column), column, table.Source, requireNonNegative);
    }

    /// <summary>Weight checks on a bare span; see <see cref="CheckWeights(EventTable, string, bool)"/>.</summary>
    public static void CheckWeights(ReadOnlySpan<double> weights, string column, string? source, bool requireNonNegative = true)
    {
        if (weights.Length == 0) throw new DataException("weight column is empty", source, column);
        RequireFinite(weights, column, source);
        bool anyNonZero = false;
        for (int i = 0; i < weights.Length; i++)
        {
            if (requireNonNegative && weights[i] < 0)
                throw new DataException($"negative weight {Format(weights[i])} at row {i} (0-based); weights must be >= 0", source, column);
            anyNonZero |= weights[i] != 0;
        }
        if (!anyNonZero) throw new DataException($"all {weights.Length} weights are zero", source, column);
    }

    /// <summary>Index of the first NaN/infinity, or -1.</summary>
    internal static int FirstNonFinite(ReadOnlySpan<double> values)
    {
        // x - x is 0 for finite x and NaN for NaN/±inf; summing blocks keeps the common all-finite case fast.
        const int block = 1024;
        for (int start = 0; start < values.Length; start += block)
        {
            var chunk = values.Slice(start, Math.Min(block, values.Length - start));
            double acc = 0;
            foreach (var v in chunk) acc += v - v;
            if (acc == 0) continue;
            for (int i = 0; i < chunk.Length; i++)
                if (!double.IsFinite(chunk[i])) return start + i;
        }
        return -1;
    }

    /// <summary>Message for missing columns: lists them with close-name suggestions and the available columns.</summary>
    internal static string DescribeMissing(IReadOnlyList<string> missing, IReadOnlyList<string> available)
    {
        var parts = missing.Select(m =>
        {
            var hint = ClosestName(m, available);
            return hint is null ? $"'{m}'" : $"'{m}' (did you mean '{hint}'?)";
        });
        var avail = available.Count == 0 ? "(none)" : string.Join(", ", available);
        var noun = missing.Count == 1 ? "column" : "columns";
        return $"missing {noun} {string.Join(", ", parts)}; available columns: {avail}";
    }

    private static string? ClosestName(string name, IReadOnlyList<string> available)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var a in available)
        {
            int d = string.Equals(a, name, StringComparison.OrdinalIgnoreCase) ? 0 : EditDistance(a.ToLowerInvariant(), name.ToLowerInvariant());
            if (d < bestDistance) { bestDistance = d; best = a; }
        }
        // Only suggest genuinely close names (case change or a couple of typos).
        return bestDistance <= Math.Max(1, Math.Min(2, name.Length / 3)) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }

    private static string Format(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
