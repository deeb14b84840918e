using System.Text;
using SbiFit.Learning;

namespace SbiFit.Codegen;

/// <summary>
/// Generated C# and the numbers it loads: <see cref="Source"/> depends only on the architecture (and, for an NLL, its
/// structure), <see cref="Constants"/> holds the model's weights and constants, filled into the class's
/// <c>static readonly</c> arrays when it is loaded (SOFIE's source + weight file).
/// </summary>
/// <param name="Source">The C# source (its hash is the disk-cache key).</param>
/// <param name="Constants">The model's numbers.</param>
public sealed record GeneratedSource(string Source, ConstantSet Constants)
{
    /// <summary>Identifies source and numbers together (for in-memory memoisation of loaded code).</summary>
    public string ModelKey => CodeCache.Key(Source) + ":" + Constants.Hash();
}

/// <summary>
/// Emits readable C# for batched inference of a <see cref="TheoryAwareNetwork"/> (SOFIE's role): weights as
/// <c>static readonly</c> arrays filled at load from a <see cref="ConstantSet"/>, Vector256 + FMA register-blocked
/// GEMMs, small per-layer methods.
/// </summary>
public static class NetworkCodeGenerator
{
    /// <summary>Default generated class name.</summary>
    public const string DefaultClassName = "GeneratedNetwork";

    /// <summary>The generated source of a class implementing <see cref="ICompiledNetwork"/>.</summary>
    public static GeneratedSource Generate(TheoryAwareNetwork network, Precision precision = Precision.Single, string className = DefaultClassName)
    {
        CheckName(className);
        var constants = new ConstantSet();
        var writer = new NetworkSourceWriter(network, precision, constants);
        var sb = new StringBuilder();
        writer.Header(sb, className, nameof(ICompiledNetwork), "Batched logits of the theory-aware network.");
        KernelEmitter.Common(sb);
        writer.Constants(sb);
        writer.LayerMethods(sb);
        writer.Logits(sb);
        sb.AppendLine("}");
        return new GeneratedSource(sb.ToString(), constants);
    }

    /// <summary>
    /// Writes the generated source to <c>DIR/ClassName.cs</c> and its numbers to <c>DIR/ClassName.constants.json</c>,
    /// each atomically, and returns the source's path (used by <c>sbifit codegen --emit DIR</c>; keep DIR outside any
    /// project folder).
    /// </summary>
    public static string Emit(TheoryAwareNetwork network, string directory, Precision precision = Precision.Single, string className = DefaultClassName) =>
        WriteSource(Generate(network, precision, className), directory, className);

    /// <summary>Compiles (or loads from <paramref name="cache"/>, when given) the generated network.</summary>
    public static CompiledCode<ICompiledNetwork> Compile(TheoryAwareNetwork network, Precision precision = Precision.Single, CodeCache? cache = null) =>
        RoslynBuilder.Build<ICompiledNetwork>(Generate(network, precision), DefaultClassName, cache);

    internal static string WriteSource(GeneratedSource generated, string directory, string className)
    {
        if (string.IsNullOrWhiteSpace(directory)) throw new CodegenException("--emit: the output directory is empty.");
        string path = Path.Combine(directory, className + ".cs");
        try
        {
            Directory.CreateDirectory(directory);
            Data.AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(generated.Source));
            generated.Constants.WriteJson(ConstantsPath(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Data.DataException)
        {
            throw new CodegenException($"--emit '{directory}': cannot write {className}.cs and its constants there ({ex.Message}).");
        }
        return path;
    }

    /// <summary>The constants file written beside an emitted source file: <c>DIR/ClassName.constants.json</c>.</summary>
    public static string ConstantsPath(string sourcePath) => Path.ChangeExtension(sourcePath, ".constants.json");

    internal static void CheckName(string className)
    {
        if (className.Length == 0 || !(char.IsLetter(className[0]) || className[0] == '_') || !className.All(c => char.IsLetterOrDigit(c) || c == '_'))
            throw new CodegenException($"class name '{className}' is not a valid C# identifier.");
    }
}

/// <summary>
/// Emits the whole NLL of a network as C# (network, learned log-ratio sum, extended term, constraints) with
/// reverse-mode, forward-mode and forward-over-reverse derivatives (Clad's role).
/// </summary>
public static class NllCodeGenerator
{
    /// <summary>Default generated class name.</summary>
    public const string DefaultClassName = "GeneratedNll";

    /// <summary>The generated source of a class implementing <see cref="INllKernels"/>.</summary>
    public static GeneratedSource Generate(TheoryAwareNetwork network, NllOptions options, string className = DefaultClassName)
    {
        NetworkCodeGenerator.CheckName(className);
        options.Validate(network);
        var constants = new ConstantSet();
        var writer = new NetworkSourceWriter(network, options.Precision, constants);
        var sb = new StringBuilder();
        string ext = options.Rate is null ? "off" : "on";
        writer.Header(sb, className, nameof(INllKernels),
            $"NLL(θ) = −Σ w [logit(x, θ) − logit(x, 0)] + extended term ({ext}) + {options.Constraints.Count} Gaussian constraint(s).");
        KernelEmitter.Common(sb);
        writer.Constants(sb);
        writer.LayerMethods(sb);
        writer.Logits(sb);
        new NllSourceWriter(network, options, constants).Write(sb);
        sb.AppendLine("}");
        return new GeneratedSource(sb.ToString(), constants);
    }

    /// <summary>Writes the generated NLL source and its constants (<c>DIR/ClassName.cs</c>, <c>DIR/ClassName.constants.json</c>) atomically and returns the source's path.</summary>
    public static string Emit(TheoryAwareNetwork network, NllOptions options, string directory, string className = DefaultClassName) =>
        NetworkCodeGenerator.WriteSource(Generate(network, options, className), directory, className);

    /// <summary>
    /// Starts (once per process; later calls return the same task) a background compile of the NLL of a tiny
    /// network, so Roslyn's own JIT warm-up, which dominates the first compile in a process, overlaps with the
    /// caller's data loading. Call it as soon as a generated backend is known to be needed; <see cref="Compile(TheoryAwareNetwork, NllOptions, CodeCache?)"/>
    /// does not wait for it. The task's result is the warm-up's wall seconds.
    /// </summary>
    public static Task<double> WarmUp() => RoslynBuilder.WarmUp(() =>
    {
        // Every emitted construct appears (constant arrays of each type, rate form, constraint); the image is discarded.
        var layers = new List<DenseLayer>
        {
            new(2, 16, new float[32], new float[16], Activation.ReLU),
            new(16, 16, new float[256], new float[16], Activation.ReLU),
            new(16, 1, new float[16], new float[1], Activation.Identity),
        };
        var net = new TheoryAwareNetwork(["x0", "x1"], ["t0"], new float[2], [1f, 1f], new float[2], layers);
        return Generate(net, new NllOptions { Rate = new RateForm(1, 1, [0.0], [1.0]), Constraints = [new GaussianConstraint(0, 0, 1)] }, "WarmUp").Source;
    });

    /// <summary>Compiles (or loads from <paramref name="cache"/>, when given) the generated NLL kernels.</summary>
    public static CompiledCode<INllKernels> Compile(TheoryAwareNetwork network, NllOptions options, CodeCache? cache = null) =>
        Compile(Generate(network, options), cache);

    /// <summary>Compiles (or loads from <paramref name="cache"/>) NLL kernels already generated with the default class name.</summary>
    public static CompiledCode<INllKernels> Compile(GeneratedSource generated, CodeCache? cache = null) =>
        RoslynBuilder.Build<INllKernels>(generated, DefaultClassName, cache);

    /// <summary>
    /// The NLL structure the fitting commands (<c>fit</c>, <c>scan</c>, <c>toys</c>, <c>asimov</c> with
    /// <c>--backend codegen[-ad]</c>) compile for a network with <paramref name="thetaCount"/> θ inputs: extended term on,
    /// no constraints. The rate form's numbers are placeholders: they are constants, not part of the source.
    /// </summary>
    public static NllOptions FitStructure(int thetaCount, Precision precision = Precision.Single) => new()
    {
        Precision = precision,
        Rate = new RateForm(1, 1, new double[thetaCount], new double[thetaCount * thetaCount]),
    };

    /// <summary>
    /// Compiles the fit-structure NLL of <paramref name="network"/> (<see cref="FitStructure"/>) into
    /// <paramref name="cache"/> unless it is already there, without loading it: done ahead of time (by
    /// <c>sbifit train</c>, like SOFIE compiling a model's header once), so that later fits of this model — or of any
    /// model of its architecture — load the kernels from the cache instead of compiling them.
    /// </summary>
    public static CompileReport PrecompileForFits(TheoryAwareNetwork network, CodeCache cache, Precision precision = Precision.Single) =>
        RoslynBuilder.Precompile(Generate(network, FitStructure(network.ThetaCount, precision)).Source, cache);

    /// <summary>
    /// Starts compiling the fit-structure NLL of <paramref name="network"/> into <paramref name="cache"/> on a background
    /// thread and returns at once (null when the cache holds it already). A fitting command calls it as soon as it has
    /// read the model, so the compile overlaps with reading the data; its <see cref="Compile(GeneratedSource, CodeCache?)"/>
    /// of the same source then waits for that compile instead of starting its own. Compile errors surface there.
    /// </summary>
    public static Task? StartPrecompileForFits(TheoryAwareNetwork network, CodeCache cache, Precision precision = Precision.Single) =>
        RoslynBuilder.StartPrecompile(Generate(network, FitStructure(network.ThetaCount, precision)).Source, cache);
}
