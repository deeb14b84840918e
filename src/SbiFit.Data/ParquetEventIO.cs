using System.IO.Compression;
using Parquet;
using Parquet.Schema;

namespace SbiFit.Data;

/// <summary>
/// Parquet read/write of <see cref="EventTable"/> with Parquet.Net's columnar API (no per-row objects).
/// Every column is written as a required DOUBLE, except <see cref="EventSchema.EventId"/> which is written as INT64
/// (read back as a double column: exact for ids below 2^53). Metadata goes to the file's key-value metadata.
/// On read, INT32/INT64/FLOAT/DOUBLE columns (nullable or not; nulls become NaN) are converted to double;
/// any other type is rejected naming the column.
/// </summary>
public static class ParquetEventIO
{
    /// <summary>Rows per row group: large enough for fast columnar I/O, small enough to bound write buffers.</summary>
    public const int RowGroupSize = 1 << 20;

    // Full-precision doubles barely compress (Snappy saved ~1% on random full-mantissa doubles) but Snappy/Zstd made reading
    // 1e6 x 40 columns 20-50x slower, so the default is uncompressed; the level is always explicit because
    // Parquet.Net's default (SmallestSize) is an order of magnitude slower to write.
    private static ParquetOptions WriteOptions(bool compress) => new()
    {
        CompressionMethod = compress ? CompressionMethod.Snappy : CompressionMethod.None,
        CompressionLevel = CompressionLevel.Fastest,
    };

    /// <summary>Writes the table atomically (temporary file + rename); <paramref name="compress"/> selects Snappy.</summary>
    public static void Write(EventTable table, string path, bool compress = false) =>
        WriteAsync(table, path, compress).GetAwaiter().GetResult();

    /// <summary>Writes the table atomically (temporary file + rename); <paramref name="compress"/> selects Snappy.</summary>
    public static Task WriteAsync(EventTable table, string path, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(table);
        return AtomicFile.WriteAsync(path, s => WriteAsync(table, s, compress));
    }

    /// <summary>Writes the table to a writable, seekable stream.</summary>
    public static async Task WriteAsync(EventTable table, Stream stream, bool compress = false)
    {
        ArgumentNullException.ThrowIfNull(table);
        var fields = table.ColumnNames
            .Select(n => n == EventSchema.EventId ? (DataField)new DataField<long>(n) : new DataField<double>(n))
            .ToArray();
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, WriteOptions(compress)).ConfigureAwait(false);
        // Sorted keys: the file's bytes do not depend on dictionary insertion order.
        writer.CustomMetadata = table.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        int n = table.RowCount;
        long[]? ids = null;
        for (int start = 0; start < n || (start == 0 && n == 0); start += RowGroupSize)
        {
            int count = Math.Min(RowGroupSize, n - start);
            using var group = writer.CreateRowGroup();
            foreach (var field in fields)
            {
                var memory = new ReadOnlyMemory<double>(table.GetColumn(field.Name), start, count);
                if (field.ClrType == typeof(long))
                {
                    ids ??= new long[Math.Min(RowGroupSize, n)];
                    ToInt64(memory.Span, ids, table.Source, field.Name, start);
                    await group.WriteAsync<long>(field, ids.AsMemory(0, count)).ConfigureAwait(false);
                }
                else
                {
                    await group.WriteAsync(field, memory).ConfigureAwait(false);
                }
            }
            if (n == 0) break;
        }
    }

    /// <summary>Reads a Parquet file with the schema checks of <paramref name="options"/>.</summary>
    public static EventTable Read(string path, EventReadOptions? options = null) =>
        ReadAsync(path, options).GetAwaiter().GetResult();

    /// <summary>Reads a Parquet file with the schema checks of <paramref name="options"/>.</summary>
    public static async Task<EventTable> ReadAsync(string path, EventReadOptions? options = null)
    {
        options ??= EventReadOptions.Default;
        EventTableIO.RequireFile(path);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: false);
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(stream, new ParquetOptions(), leaveStreamOpen: true).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not DataException and not OutOfMemoryException)
        {
            throw new DataException($"not a valid Parquet file (truncated or corrupt?): {e.Message}", path, inner: e);
        }
        await using (reader.ConfigureAwait(false))
        {
            try
            {
                return await ReadTableAsync(reader, path, options).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not DataException and not OutOfMemoryException)
            {
                throw new DataException($"not a valid Parquet file (corrupt data pages?): {e.Message}", path, inner: e);
            }
        }
    }

    private static async Task<EventTable> ReadTableAsync(ParquetReader reader, string path, EventReadOptions options)
    {
        var dataFields = reader.Schema.GetDataFields();
        var byName = new Dictionary<string, DataField>(StringComparer.Ordinal);
        foreach (var f in dataFields) byName.TryAdd(f.Path.ToString(), f);
        var names = dataFields.Select(f => f.Path.ToString()).ToList();
        var load = options.ColumnsToLoad(names, path);
        foreach (var name in load) CheckNumeric(byName[name], path);

        long total = 0;
        for (int g = 0; g < reader.RowGroupCount; g++) total += reader.RowGroups[g].RowCount;
        if (total > Array.MaxLength) throw new DataException($"{total} rows is more than one table can hold", path);
        var columns = load.ToDictionary(n => n, _ => new double[total], StringComparer.Ordinal);

        int offset = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int count = checked((int)group.RowCount);
            foreach (var name in load)
                await ReadColumnAsync(group, byName[name], columns[name].AsMemory(offset, count)).ConfigureAwait(false);
            offset += count;
        }

        var table = new EventTable(path);
        foreach (var name in load) table.AddColumn(name, columns[name]);
        foreach (var kv in reader.CustomMetadata) table.Metadata[kv.Key] = kv.Value;
        options.CheckValues(table);
        return table;
    }

    private static void CheckNumeric(DataField field, string path)
    {
        var t = field.ClrType;
        bool ok = t == typeof(double) || t == typeof(float) || t == typeof(int) || t == typeof(long);
        if (!ok || field.IsArray)
            throw new DataException(
                $"has type {(field.IsArray ? "list of " : "")}{Describe(t)}; event columns must be numeric (double, float, int32 or int64)",
                path, field.Path.ToString());
    }

    private static string Describe(Type t) =>
        t == typeof(string) || t == typeof(byte[]) || (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ReadOnlyMemory<>))
            ? "string or binary" : t.Name.ToLowerInvariant();

    private static async Task ReadColumnAsync(ParquetRowGroupReader group, DataField field, Memory<double> dest)
    {
        var t = field.ClrType;
        if (t == typeof(double) && !field.IsNullable) { await group.ReadAsync(field, dest).ConfigureAwait(false); return; }
        if (t == typeof(double)) { await ReadNullableAsync<double>(group, field, dest, v => v).ConfigureAwait(false); return; }
        if (t == typeof(float)) { await ReadConvertedAsync<float>(group, field, dest, v => v).ConfigureAwait(false); return; }
        if (t == typeof(int)) { await ReadConvertedAsync<int>(group, field, dest, v => v).ConfigureAwait(false); return; }
        await ReadConvertedAsync<long>(group, field, dest, v => v).ConfigureAwait(false);
    }

    private static async Task ReadConvertedAsync<T>(ParquetRowGroupReader group, DataField field, Memory<double> dest, Func<T, double> convert)
        where T : struct
    {
        if (field.IsNullable) { await ReadNullableAsync(group, field, dest, convert).ConfigureAwait(false); return; }
        var buffer = new T[dest.Length];
        await group.ReadAsync<T>(field, buffer).ConfigureAwait(false);
        var span = dest.Span;
        for (int i = 0; i < buffer.Length; i++) span[i] = convert(buffer[i]);
    }

    private static async Task ReadNullableAsync<T>(ParquetRowGroupReader group, DataField field, Memory<double> dest, Func<T, double> convert)
        where T : struct
    {
        var buffer = new T?[dest.Length];
        await group.ReadAsync<T>(field, buffer.AsMemory()).ConfigureAwait(false);
        var span = dest.Span;
        // Nulls become NaN so the finiteness check reports them with their row.
        for (int i = 0; i < buffer.Length; i++) span[i] = buffer[i] is { } v ? convert(v) : double.NaN;
    }

    private static void ToInt64(ReadOnlySpan<double> values, long[] dest, string? source, string column, int offset)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (v != Math.Floor(v) || Math.Abs(v) > 9.007199254740992e15)
                throw new DataException($"value {v} at row {offset + i} is not an integer event id", source, column);
            dest[i] = (long)v;
        }
    }
}
