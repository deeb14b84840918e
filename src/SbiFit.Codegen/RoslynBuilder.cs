using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace SbiFit.Codegen;

/// <summary>Generated code compiled into a collectible load context; dispose to unload it.</summary>
/// <typeparam name="TInterface">The interface the generated class implements.</typeparam>
public sealed class CompiledCode<TInterface> : IDisposable where TInterface : class
{
    readonly AssemblyLoadContext context;

    internal CompiledCode(TInterface instance, AssemblyLoadContext context, CompileReport report, string source)
    {
        Instance = instance; this.context = context; Report = report; Source = source;
    }

    /// <summary>The generated object.</summary>
    public TInterface Instance { get; }
    /// <summary>Compile (or cache load) timing.</summary>
    public CompileReport Report { get; }
    /// <summary>The generated C# source.</summary>
    public string Source { get; }

    /// <summary>Unloads the generated assembly once no references to <see cref="Instance"/> remain.</summary>
    public void Dispose() => context.Unload();
}

/// <summary>Compiles generated source with Roslyn (Release, unsafe allowed) and loads it, via the disk cache.</summary>
internal static class RoslynBuilder
{
    static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "System.Private.CoreLib", "System.Runtime", "System.Runtime.Intrinsics", "System.Memory", "System.Collections",
            "System.Runtime.InteropServices", "System.Linq", "System.Threading.Tasks.Parallel", "netstandard",
        };
        var tpa = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator);
        return tpa.Where(p => wanted.Contains(Path.GetFileNameWithoutExtension(p)))
            .Append(typeof(RoslynBuilder).Assembly.Location)
            .Append(typeof(Learning.ILogitModel).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray();
    });

    static readonly object WarmUpLock = new();
    static Task<double>? warmUp;

    /// <summary>
    /// Starts, once per process, a background Roslyn compile of <paramref name="source"/> (a small generated class;
    /// the image is discarded). Roslyn ships as IL, so its first compile in a process JIT-compiles the compiler
    /// itself (seconds on a loaded 2-core machine); running that while the caller loads its data leaves only the
    /// compile of the real source on the critical path. The task's result is the warm-up's wall seconds.
    /// </summary>
    public static Task<double> WarmUp(Func<string> source)
    {
        lock (WarmUpLock)
            return warmUp ??= Task.Factory.StartNew(() =>
            {
                var clock = Stopwatch.StartNew();
                Compile(source(), "SbiFit.Generated.WarmUp");
                return clock.Elapsed.TotalSeconds;
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public static CompiledCode<TI> Build<TI>(GeneratedSource generated, string className, CodeCache? cache) where TI : class
    {
        var clock = Stopwatch.StartNew();
        string source = generated.Source;
        string key = CodeCache.Key(source);
        // A compile of this source started in the background (StartPrecompile) is this process's own: wait for it
        // rather than compile twice, and report it as compiled, not as a cache hit.
        double? background = null;
        byte[]? image = null;
        bool cached = false;
        if (BackgroundCompiles.TryRemove(key, out var pending))
        {
            try { (image, double seconds, cached) = pending.GetAwaiter().GetResult(); background = seconds; }
            // A compile error is this source's and surfaces as it would have here; anything else: compile below.
            catch (Exception ex) when (ex is not CodegenException) { image = null; }
        }
        image ??= cache?.TryLoad(key);
        bool hit = image is not null && background is null;
        image ??= CompileKeyed(source, key);
        var context = new AssemblyLoadContext("sbifit-codegen-" + key[..16], isCollectible: true);
        Assembly assembly;
        try { assembly = context.LoadFromStream(new MemoryStream(image)); }
        catch (BadImageFormatException) when (hit)
        {
            // A damaged cache file: compile afresh and overwrite it.
            hit = false;
            image = CompileKeyed(source, key);
            assembly = context.LoadFromStream(new MemoryStream(image));
        }
        if (!hit && background is null) cached = TryStore(cache, key, image);
        cached |= hit;
        var type = assembly.GetType("SbiFit.Generated." + className)
            ?? throw new CodegenException($"generated assembly has no class SbiFit.Generated.{className}.");
        // The static arrays are filled from this model's constants by the type initialiser, run here on this thread.
        // Each build loads its own copy of the assembly, so two models of one architecture never share statics.
        TI? instance = null;
        try
        {
            GeneratedConstants.Run(generated.Constants, () =>
            {
                System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(type.TypeHandle);
                instance = Activator.CreateInstance(type) as TI;
            });
        }
        catch (TypeInitializationException ex) when (ex.InnerException is not null)
        {
            throw new CodegenException($"generated class {className} could not load its constants: {ex.InnerException.Message}");
        }
        if (instance is null) throw new CodegenException($"generated class {className} does not implement {typeof(TI).Name}.");
        var report = new CompileReport(clock.Elapsed.TotalSeconds, hit, System.Text.Encoding.UTF8.GetByteCount(source), key)
        {
            BackgroundSeconds = background,
            Cached = cached,
        };
        return new CompiledCode<TI>(instance, context, report, source);
    }

    /// <summary>Compiles <paramref name="source"/> into <paramref name="cache"/> unless its image is there already; loads nothing.</summary>
    public static CompileReport Precompile(string source, CodeCache cache)
    {
        var clock = Stopwatch.StartNew();
        string key = CodeCache.Key(source);
        bool hit = cache.Contains(key);
        if (!hit) cache.Store(key, CompileKeyed(source, key));
        return new CompileReport(clock.Elapsed.TotalSeconds, hit, System.Text.Encoding.UTF8.GetByteCount(source), key);
    }

    static readonly ConcurrentDictionary<string, Task<(byte[] Image, double Seconds, bool Stored)>> BackgroundCompiles = new();

    /// <summary>
    /// Starts compiling <paramref name="source"/> on a background thread into <paramref name="cache"/> (unless it is
    /// there already; then nothing starts and the result is null). A later <see cref="Build"/> of the same source in
    /// this process waits for it instead of compiling again. Used to compile a fit's kernels while its data load.
    /// </summary>
    public static Task<(byte[] Image, double Seconds, bool Stored)>? StartPrecompile(string source, CodeCache cache)
    {
        string key = CodeCache.Key(source);
        if (cache.Contains(key)) return null;
        return BackgroundCompiles.GetOrAdd(key, k => Task.Factory.StartNew(() =>
        {
            var clock = Stopwatch.StartNew();
            var image = CompileKeyed(source, k);
            bool stored = TryStore(cache, k, image);
            return (image, clock.Elapsed.TotalSeconds, stored);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
    }

    /// <summary>Compiles <paramref name="source"/> into the assembly named after its cache <paramref name="key"/>.</summary>
    static byte[] CompileKeyed(string source, string key) => Compile(source, "SbiFit.Generated." + key[..16]);

    /// <summary>The cache only saves time: an unwritable cache folder must not fail the fit that compiled fine.</summary>
    static bool TryStore(CodeCache? cache, string key, byte[] image)
    {
        if (cache is null) return false;
        try { cache.Store(key, image); return true; }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Data.DataException) { return false; }
    }

    /// <summary>
    /// Release IL, no PDB or XML docs. Nullable annotations only (the generated source says <c>#nullable enable
    /// annotations</c>): the nullable flow analysis would only produce warnings nobody reads, and skipping it makes
    /// both the first (JIT-bound) and later compiles ~15 % faster (docs/benchmarks.md, "Compile time"); doc comments
    /// are not parsed as XML (<c>DocumentationMode.None</c>), which saves 5–10 % of the first compile in a process.
    /// </summary>
    static byte[] Compile(string source, string assemblyName)
    {
        // The /// comments are for readers of the emitted source: parsed as plain comments, no XML doc is produced.
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.None));
        var compilation = CSharpCompilation.Create(assemblyName, [tree], References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                allowUnsafe: true, deterministic: true, nullableContextOptions: NullableContextOptions.Annotations));
        using var ms = new MemoryStream();
        var result = compilation.Emit(ms);
        if (!result.Success)
        {
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10).Select(d => d.ToString());
            throw new CodegenException("generated source does not compile:\n" + string.Join("\n", errors));
        }
        return ms.ToArray();
    }
}
