namespace SbiFit.Data;

/// <summary>
/// Bad input data: a missing or unreadable file, a missing column, a wrong type or a non-finite value.
/// The message always names the file (when known) and the column (when one is involved).
/// </summary>
public sealed class DataException : Exception
{
    /// <summary>Creates the exception; <paramref name="filePath"/> and <paramref name="column"/> are prefixed to the message.</summary>
    public DataException(string message, string? filePath = null, string? column = null, Exception? inner = null)
        : base(Compose(message, filePath, column), inner)
    {
        FilePath = filePath;
        Column = column;
    }

    /// <summary>The file the bad data came from, or null for in-memory tables.</summary>
    public string? FilePath { get; }

    /// <summary>The offending column, or null when the problem is not about one column.</summary>
    public string? Column { get; }

    private static string Compose(string message, string? filePath, string? column)
    {
        var where = filePath is null ? "" : $"file '{filePath}': ";
        var col = column is null ? "" : $"column '{column}': ";
        return where + col + message;
    }
}
