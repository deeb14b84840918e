namespace SbiFit.Data;

/// <summary>
/// Writes output files atomically: the content goes to a temporary file in the target's folder, which is then
/// renamed over the target. If the writer throws, the temporary file is deleted and any existing target is untouched,
/// so a failed run never leaves a partial output file. (No fsync: this guards against failed or killed runs, not power loss.)
/// A folder that cannot be created, a file that cannot be written or renamed (permissions, a full disk, a file where a
/// folder should be) is reported as a <see cref="DataException"/> that names the output file.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; the stream is seekable.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temp = CreateTemp(path, out var stream);
        try
        {
            using (stream)
            {
                write(stream);
                stream.Flush();
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (IsIo(ex))
        {
            TryDelete(temp);
            throw CannotWrite(path, ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Asynchronous variant of <see cref="Write"/>.</summary>
    public static async Task WriteAsync(string path, Func<Stream, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temp = CreateTemp(path, out var stream);
        try
        {
            await using (stream)
            {
                await write(stream).ConfigureAwait(false);
                stream.Flush();
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception ex) when (IsIo(ex))
        {
            TryDelete(temp);
            throw CannotWrite(path, ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes UTF-8 text (no byte-order mark) atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(text));

    /// <summary>Writes bytes atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, s => s.Write(copy));
    }

    /// <summary>Asynchronous variant of <see cref="WriteAllText"/>.</summary>
    public static Task WriteAllTextAsync(string path, string text)
    {
        var bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
        return WriteAsync(path, s => s.WriteAsync(bytes).AsTask());
    }

    private static string CreateTemp(string path, out FileStream stream)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new DataException("output path is a directory, expected a file path", path);
        var dir = Path.GetDirectoryName(full)!;
        // Same folder as the target so the final rename never crosses file systems.
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(dir);
            stream = new FileStream(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        }
        catch (Exception ex) when (IsIo(ex)) { throw CannotWrite(path, ex); }
        return temp;
    }

    static bool IsIo(Exception ex) => ex is IOException or UnauthorizedAccessException;

    static DataException CannotWrite(string path, Exception ex) =>
        new($"cannot write the output file ({ex.Message}); nothing was written and an existing file is unchanged", path, inner: ex);

    private static void TryDelete(string temp)
    {
        try { File.Delete(temp); }
        catch (IOException) { /* best effort: the original exception matters more */ }
        catch (UnauthorizedAccessException) { }
    }
}
