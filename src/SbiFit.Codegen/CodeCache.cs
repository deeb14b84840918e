using System.Security.Cryptography;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace SbiFit.Codegen;

/// <summary>
/// On-disk cache of compiled generated assemblies, keyed by SHA-256 of (generated source, Roslyn version, the
/// identities of the SbiFit assemblies the code binds to). A second process with the same model and NLL loads
/// the DLL instead of compiling.
/// </summary>
public sealed class CodeCache
{
    /// <summary>Uses <paramref name="directory"/>, or <see cref="DefaultDirectory"/> when null.</summary>
    public CodeCache(string? directory = null) => Directory = directory ?? DefaultDirectory;

    /// <summary>Folder holding the cached <c>KEY.dll</c> files.</summary>
    public string Directory { get; }

    /// <summary>
    /// $SBIFIT_CODEGEN_CACHE if set, else $XDG_CACHE_HOME/sbifit/codegen, else ~/.cache/sbifit/codegen.
    /// </summary>
    public static string DefaultDirectory
    {
        get
        {
            if (Environment.GetEnvironmentVariable("SBIFIT_CODEGEN_CACHE") is { Length: > 0 } own) return own;
            string root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "sbifit", "codegen");
        }
    }

    /// <summary>Cache key of a generated source (hex SHA-256).</summary>
    public static string Key(string source)
    {
        var sb = new StringBuilder(source);
        sb.Append("\n//roslyn ").Append(typeof(CSharpCompilation).Assembly.GetName().Version);
        // The generated code binds to these assemblies' types; their module ids change whenever they are rebuilt differently.
        sb.Append("\n//codegen ").Append(typeof(CodeCache).Assembly.ManifestModule.ModuleVersionId);
        sb.Append("\n//learning ").Append(typeof(Learning.ILogitModel).Assembly.ManifestModule.ModuleVersionId);
        sb.Append("\n//runtime ").Append(Environment.Version);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))).ToLowerInvariant();
    }

    internal string PathOf(string key) => Path.Combine(Directory, key + ".dll");

    /// <summary>Whether the compiled image of <paramref name="key"/> is in the cache.</summary>
    internal bool Contains(string key) => File.Exists(PathOf(key));

    /// <summary>The default of <see cref="MaxEntries"/>.</summary>
    public const int DefaultMaxEntries = 256;

    /// <summary>
    /// Most compiled images kept (default <see cref="DefaultMaxEntries"/>, a few MiB): storing one more removes the least
    /// recently used. Every SbiFit build and every architecture has its own keys, so without a bound the folder would only grow.
    /// </summary>
    public int MaxEntries
    {
        get => maxEntries;
        init => maxEntries = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxEntries), value, "the code cache must keep at least one entry.");
    }
    readonly int maxEntries = DefaultMaxEntries;

    internal byte[]? TryLoad(string key)
    {
        string path = PathOf(key);
        try
        {
            if (!File.Exists(path)) return null;
            var image = File.ReadAllBytes(path);
            Touch(path);
            return image;
        }
        catch (IOException) { return null; }
    }

    /// <summary>
    /// Writes atomically (temp file in the same folder, then rename) so concurrent processes never see a partial DLL,
    /// then removes the least recently used entries beyond <see cref="MaxEntries"/> (best effort: another process may
    /// be removing them too).
    /// </summary>
    internal void Store(string key, byte[] image)
    {
        Data.AtomicFile.WriteAllBytes(PathOf(key), image);   // creates the folder when missing
        Touch(PathOf(key));   // the same clock as a load's touch (the file system's own stamp can lag it by a tick)
        var stale = Entries().Where(e => e.Key != key).Skip(Math.Max(0, MaxEntries - 1));
        foreach (var e in stale) TryDelete(PathOf(e.Key));
    }

    /// <summary>The cached images, most recently used first (none when the folder does not exist).</summary>
    public IReadOnlyList<CodeCacheEntry> Entries()
    {
        if (!System.IO.Directory.Exists(Directory)) return [];
        var entries = new List<CodeCacheEntry>();
        foreach (var file in new DirectoryInfo(Directory).EnumerateFiles("*.dll"))
        {
            string key = Path.GetFileNameWithoutExtension(file.Name);
            if (key.Length != 64 || !key.All(Uri.IsHexDigit)) continue;
            // Another process may remove an entry while this one lists the folder: skip it.
            try { entries.Add(new CodeCacheEntry(key, file.Length, file.LastWriteTimeUtc)); }
            catch (IOException) { }
        }
        return entries.OrderByDescending(e => e.LastUsedUtc).ThenBy(e => e.Key, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Removes every cached image (other files in the folder are left alone); returns how many were removed.</summary>
    public int Clear() => Entries().Count(e => TryDelete(PathOf(e.Key)));

    /// <summary>Marks an entry used now: its modification time is its "last used" for the eviction (access times are often not kept).</summary>
    static void Touch(string path)
    {
        try { File.SetLastWriteTimeUtc(path, DateTime.UtcNow); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
    }

    static bool TryDelete(string path)
    {
        try { File.Delete(path); return true; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return false; }
    }
}

/// <summary>One compiled image in a <see cref="CodeCache"/>: its key, size in bytes and when it was last stored or loaded (UTC).</summary>
public sealed record CodeCacheEntry(string Key, long Bytes, DateTime LastUsedUtc);
