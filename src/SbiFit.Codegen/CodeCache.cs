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

    internal byte[]? TryLoad(string key)
    {
        string path = PathOf(key);
        try { return File.Exists(path) ? File.ReadAllBytes(path) : null; }
        catch (IOException) { return null; }
    }

    /// <summary>Writes atomically (temp file in the same folder, then rename) so concurrent processes never see a partial DLL.</summary>
    internal void Store(string key, byte[] image)
    {
        System.IO.Directory.CreateDirectory(Directory);
        AtomicFile.Write(PathOf(key), image);
    }
}

/// <summary>Atomic file writes: temp file in the target folder, then rename over the target.</summary>
internal static class AtomicFile
{
    public static void Write(string path, byte[] bytes)
    {
        string tmp = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(tmp, bytes);
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
