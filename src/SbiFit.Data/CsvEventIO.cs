using System.Globalization;
using System.Text;

namespace SbiFit.Data;

/// <summary>
/// CSV read/write of <see cref="EventTable"/>. Format: optional leading metadata lines <c># key=value</c> (in the value,
/// backslash, newline and carriage return are escaped as <c>\\</c>, <c>\n</c>, <c>\r</c>), then a header line of column
/// names, then one comma-separated row per event. Numbers use the invariant culture and round-trip formatting
/// (NaN, Infinity, -Infinity spelled out). Metadata keys and values are trimmed on read. No quoting: column names may not contain commas, quotes or line breaks.
/// Blank lines and later <c>#</c> lines are ignored.
/// </summary>
public static class CsvEventIO
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the table atomically (temporary file + rename).</summary>
    public static void Write(EventTable table, string path)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var name in table.ColumnNames)
            if (name.AsSpan().IndexOfAny(",\"\r\n") >= 0 || name.StartsWith('#'))
                throw new DataException("column name cannot be written to CSV (contains a comma, quote, line break or starts with '#')", path, name);
        foreach (var key in table.Metadata.Keys)
            if (key.AsSpan().IndexOfAny("=\r\n") >= 0 || key.Length == 0)
                throw new DataException($"metadata key '{key}' cannot be written to CSV (empty, or contains '=' or a line break)", path);
        AtomicFile.Write(path, s => WriteTo(table, s));
    }

    private static void WriteTo(EventTable table, Stream stream)
    {
        using var w = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        foreach (var kv in table.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            w.WriteLine($"# {kv.Key.Trim()}={Escape(kv.Value)}");
        w.WriteLine(string.Join(',', table.ColumnNames));
        var cols = table.ColumnNames.Select(table.GetColumn).ToArray();
        Span<char> buf = stackalloc char[64];
        for (int r = 0; r < table.RowCount; r++)
        {
            for (int c = 0; c < cols.Length; c++)
            {
                if (c > 0) w.Write(',');
                cols[c][r].TryFormat(buf, out int written, "R", Inv);
                w.Write(buf[..written]);
            }
            w.Write('\n');
        }
    }

    /// <summary>Reads a CSV file with the schema checks of <paramref name="options"/>.</summary>
    public static EventTable Read(string path, EventReadOptions? options = null)
    {
        options ??= EventReadOptions.Default;
        EventTableIO.RequireFile(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
        var table = new EventTable(path);
        int lineNo = 0;
        string? line;
        string[]? header = null;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0) continue;
            if (line[0] == '#') { ParseMetadata(line, table); continue; }
            header = ParseHeader(line, path, lineNo);
            break;
        }
        if (header is null) throw new DataException("CSV file has no header line (empty file?)", path);

        var load = options.ColumnsToLoad(header, path);
        var loadSet = new HashSet<string>(load, StringComparer.Ordinal);
        // Map each header position to its output buffer (null when the column is not loaded).
        var buffers = header.Select(h => loadSet.Contains(h) ? new List<double>() : null).ToArray();

        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0 || line[0] == '#') continue;
            ParseRow(line, header, buffers, path, lineNo);
        }
        for (int i = 0; i < header.Length; i++)
            if (buffers[i] is { } b) table.AddColumn(header[i], b.ToArray());
        // Keep the requested column order when a subset was asked for.
        if (options.Columns is not null) table = Reorder(table, load);
        options.CheckValues(table);
        return table;
    }

    private static string[] ParseHeader(string line, string path, int lineNo)
    {
        var names = line.Split(',').Select(h => h.Trim().Trim('"')).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Length; i++)
        {
            if (names[i].Length == 0) throw new DataException($"line {lineNo}: header field {i + 1} is an empty column name", path);
            if (!seen.Add(names[i])) throw new DataException($"line {lineNo}: duplicate column name in header", path, names[i]);
        }
        return names;
    }

    private static void ParseRow(string line, string[] header, List<double>?[] buffers, string path, int lineNo)
    {
        var rest = line.AsSpan();
        int field = 0;
        while (true)
        {
            int comma = rest.IndexOf(',');
            var token = comma < 0 ? rest : rest[..comma];
            if (field >= header.Length)
                throw new DataException($"line {lineNo}: more than the header's {header.Length} fields", path);
            if (buffers[field] is { } buffer)
            {
                if (!double.TryParse(token.Trim(), NumberStyles.Float, Inv, out double v))
                    throw new DataException($"line {lineNo}: cannot parse '{token.ToString()}' as a number", path, header[field]);
                buffer.Add(v);
            }
            field++;
            if (comma < 0) break;
            rest = rest[(comma + 1)..];
        }
        if (field != header.Length)
            throw new DataException($"line {lineNo}: {field} fields but the header has {header.Length} (first missing column '{header[field]}')", path);
    }

    private static void ParseMetadata(string line, EventTable table)
    {
        var body = line.AsSpan(1).TrimStart();
        int eq = body.IndexOf('=');
        if (eq <= 0) return; // a plain comment
        table.Metadata[body[..eq].Trim().ToString()] = Unescape(body[(eq + 1)..].Trim().ToString());
    }

    private static EventTable Reorder(EventTable table, IReadOnlyList<string> order)
    {
        var result = new EventTable(table.Source);
        foreach (var kv in table.Metadata) result.Metadata[kv.Key] = kv.Value;
        foreach (var name in order) result.AddColumn(name, table.GetColumn(name));
        return result;
    }

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\").Replace("\n", "\\n").Replace("\r", "\\r");

    private static string Unescape(string value)
    {
        if (!value.Contains('\\')) return value;
        var sb = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\' || i + 1 == value.Length) { sb.Append(value[i]); continue; }
            char next = value[++i];
            sb.Append(next switch { 'n' => '\n', 'r' => '\r', _ => next });
        }
        return sb.ToString();
    }
}
