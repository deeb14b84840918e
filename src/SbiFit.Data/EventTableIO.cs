namespace SbiFit.Data;

/// <summary>Reads and writes event tables, choosing the format from the file extension (.parquet or .csv).</summary>
public static class EventTableIO
{
    /// <summary>Reads a .parquet or .csv file with the given schema checks.</summary>
    public static EventTable Read(string path, EventReadOptions? options = null) => FormatOf(path) switch
    {
        Format.Parquet => ParquetEventIO.Read(path, options),
        _ => CsvEventIO.Read(path, options),
    };

    /// <summary>Writes a .parquet or .csv file atomically (temporary file + rename).</summary>
    public static void Write(EventTable table, string path)
    {
        switch (FormatOf(path))
        {
            case Format.Parquet: ParquetEventIO.Write(table, path); break;
            default: CsvEventIO.Write(table, path); break;
        }
    }

    /// <summary>Throws a <see cref="DataException"/> naming the file when it does not exist.</summary>
    public static void RequireFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path)) throw new DataException("is a directory, expected a data file", path);
        if (!File.Exists(path)) throw new DataException("file not found", path);
    }

    private enum Format { Parquet, Csv }

    private static Format FormatOf(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".parquet" or ".pq" => Format.Parquet,
            ".csv" => Format.Csv,
            _ => throw new DataException($"unknown file extension '{ext}'; supported: .parquet (or .pq), .csv", path),
        };
    }
}
