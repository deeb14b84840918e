namespace SbiFit.Codegen.Backends;

/// <summary>How the SBI likelihood evaluates the network (the <c>--backend</c> flag).</summary>
public enum LikelihoodBackend
{
    /// <summary>ONNX Runtime called in batches (the seed's bound call); the minimiser differentiates numerically.</summary>
    Runtime,
    /// <summary>SbiFit's own Vector256 network kernels; numerical gradient.</summary>
    Interpreted,
    /// <summary>Generated, Roslyn-compiled NLL without derivatives; numerical gradient.</summary>
    Codegen,
    /// <summary>Generated NLL with AD gradient and Hessian (forward over reverse, or gradient differences for ReLU).</summary>
    CodegenAd,
}

/// <summary>Command-line names of <see cref="LikelihoodBackend"/>.</summary>
public static class LikelihoodBackends
{
    static readonly (string Name, LikelihoodBackend Backend)[] Table =
    [
        ("runtime", LikelihoodBackend.Runtime), ("interpreted", LikelihoodBackend.Interpreted),
        ("codegen", LikelihoodBackend.Codegen), ("codegen-ad", LikelihoodBackend.CodegenAd),
    ];

    /// <summary>All backends in benchmark order (slowest expected first).</summary>
    public static IReadOnlyList<LikelihoodBackend> All { get; } = Table.Select(t => t.Backend).ToArray();

    /// <summary>Valid names: runtime, interpreted, codegen, codegen-ad.</summary>
    public static IReadOnlyList<string> Names { get; } = Table.Select(t => t.Name).ToArray();

    /// <summary>Parses a backend name (case-insensitive); throws <see cref="ArgumentException"/> listing the valid names.</summary>
    public static LikelihoodBackend Parse(string name)
    {
        string n = (name ?? "").Trim();
        foreach (var (text, backend) in Table)
            if (string.Equals(text, n, StringComparison.OrdinalIgnoreCase)) return backend;
        throw new ArgumentException($"unknown likelihood backend '{name}': valid backends are {string.Join(", ", Names)}.");
    }

    /// <summary>Parses a comma-separated list of backend names (duplicates removed, order kept).</summary>
    public static IReadOnlyList<LikelihoodBackend> ParseList(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse).Distinct().ToArray();

    /// <summary>The command-line name, e.g. <c>codegen-ad</c>.</summary>
    public static string Name(this LikelihoodBackend backend) =>
        Table.FirstOrDefault(t => t.Backend == backend).Name ?? throw new ArgumentOutOfRangeException(nameof(backend), backend, "not a backend.");

    /// <summary>True for the backends whose objective supplies an analytic gradient and Hessian.</summary>
    public static bool HasDerivatives(this LikelihoodBackend backend) => backend == LikelihoodBackend.CodegenAd;
}
