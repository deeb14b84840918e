namespace SbiFit.Data;

/// <summary>
/// A columnar table of events: named <c>double[]</c> columns of equal length plus string key-value metadata.
/// Columns are stored by reference (no copy on add or get); <see cref="Select(bool[])"/>, <see cref="Slice"/> and
/// <see cref="Concat"/> return new tables with copied columns.
/// </summary>
public sealed class EventTable
{
    private readonly List<string> _names = new();
    private readonly Dictionary<string, double[]> _columns = new(StringComparer.Ordinal);
    private int _rowCount;

    /// <summary>Creates an empty table; the first column added fixes the row count.</summary>
    /// <param name="source">File the table came from (used in error messages), or null.</param>
    public EventTable(string? source = null) => Source = source;

    /// <summary>File path the table was read from (or will be reported as), null for in-memory tables.</summary>
    public string? Source { get; set; }

    /// <summary>String key-value metadata (generator configuration, seed, WC basis, version ...).</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Number of rows (events); 0 for a table without columns.</summary>
    public int RowCount => _names.Count == 0 ? 0 : _rowCount;

    /// <summary>Column names in insertion order.</summary>
    public IReadOnlyList<string> ColumnNames => _names;

    /// <summary>Whether a column with this exact name exists.</summary>
    public bool HasColumn(string name) => _columns.ContainsKey(name);

    /// <summary>Adds a new column; throws if the name exists or the length differs from <see cref="RowCount"/>.</summary>
    public void AddColumn(string name, double[] values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(values);
        if (_columns.ContainsKey(name))
            throw new DataException("a column with this name already exists", Source, name);
        CheckLength(name, values);
        _names.Add(name);
        _columns[name] = values;
        _rowCount = values.Length;
    }

    /// <summary>Adds the column, or replaces it when it already exists (the length must still match).</summary>
    public void SetColumn(string name, double[] values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(values);
        if (!_columns.ContainsKey(name)) { AddColumn(name, values); return; }
        if (_names.Count > 1) CheckLength(name, values);
        _columns[name] = values;
        _rowCount = values.Length;
    }

    /// <summary>Removes a column; returns false when it did not exist.</summary>
    public bool RemoveColumn(string name)
    {
        if (!_columns.Remove(name)) return false;
        _names.Remove(name);
        return true;
    }

    /// <summary>Returns the column (by reference); throws <see cref="DataException"/> naming the file, the column and the available ones.</summary>
    public double[] GetColumn(string name)
    {
        if (_columns.TryGetValue(name, out var values)) return values;
        throw new DataException(DataValidation.DescribeMissing(new[] { name }, _names), Source, name);
    }

    /// <summary>Returns the column if present.</summary>
    public bool TryGetColumn(string name, out double[] values)
    {
        if (_columns.TryGetValue(name, out var v)) { values = v; return true; }
        values = Array.Empty<double>();
        return false;
    }

    /// <summary>New table with the rows where <paramref name="mask"/> is true.</summary>
    public EventTable Select(bool[] mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.Length != RowCount)
            throw new DataException($"row mask has {mask.Length} entries but the table has {RowCount} rows", Source);
        var rows = new List<int>(mask.Length);
        for (int i = 0; i < mask.Length; i++) if (mask[i]) rows.Add(i);
        return Select(rows.ToArray());
    }

    /// <summary>New table with the given rows, in the given order (repeats allowed).</summary>
    public EventTable Select(int[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int n = RowCount;
        foreach (var r in rows)
            if ((uint)r >= (uint)n)
                throw new DataException($"row index {r} is out of range [0, {n})", Source);
        var result = EmptyLike();
        foreach (var name in _names)
        {
            var src = _columns[name];
            var dst = new double[rows.Length];
            for (int i = 0; i < rows.Length; i++) dst[i] = src[rows[i]];
            result.AddColumn(name, dst);
        }
        return result;
    }

    /// <summary>New table with rows [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>).</summary>
    public EventTable Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start > RowCount - count)
            throw new DataException($"slice [{start}, {start}+{count}) is outside the table's {RowCount} rows", Source);
        var result = EmptyLike();
        foreach (var name in _names)
            result.AddColumn(name, _columns[name].AsSpan(start, count).ToArray());
        return result;
    }

    /// <summary>
    /// Stacks tables row-wise. All tables must have the same set of columns (the first table's order is kept);
    /// metadata and source come from the first table.
    /// </summary>
    public static EventTable Concat(IReadOnlyList<EventTable> tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (tables.Count == 0) throw new ArgumentException("need at least one table to concatenate", nameof(tables));
        var first = tables[0];
        foreach (var t in tables)
        {
            foreach (var name in first._names)
                if (!t.HasColumn(name))
                    throw new DataException($"cannot concatenate: column missing here but present in '{first.Source ?? "first table"}'", t.Source, name);
            if (t._names.Count != first._names.Count)
            {
                var extra = t._names.First(n => !first.HasColumn(n));
                throw new DataException($"cannot concatenate: column present here but missing in '{first.Source ?? "first table"}'", t.Source, extra);
            }
        }
        long total = tables.Sum(t => (long)t.RowCount);
        if (total > Array.MaxLength) throw new DataException($"concatenated table would have {total} rows, too many");
        var result = first.EmptyLike();
        foreach (var name in first._names)
        {
            var dst = new double[total];
            int offset = 0;
            foreach (var t in tables)
            {
                var src = t._columns[name];
                src.CopyTo(dst, offset);
                offset += src.Length;
            }
            result.AddColumn(name, dst);
        }
        return result;
    }

    private EventTable EmptyLike()
    {
        var t = new EventTable(Source);
        foreach (var kv in Metadata) t.Metadata[kv.Key] = kv.Value;
        return t;
    }

    private void CheckLength(string name, double[] values)
    {
        if (_names.Count > 0 && values.Length != _rowCount)
            throw new DataException($"column has {values.Length} rows but the table has {_rowCount}", Source, name);
    }
}
