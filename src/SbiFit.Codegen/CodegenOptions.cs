using SbiFit.Learning;

namespace SbiFit.Codegen;

/// <summary>Floating-point type of the generated kernels. Double exists to verify the AD against finite differences.</summary>
public enum Precision
{
    /// <summary>float32 kernels, 8 events per Vector256 lane (production).</summary>
    Single,
    /// <summary>float64 kernels, 4 events per Vector256 lane (verification).</summary>
    Double,
}

/// <summary>How the generated code differentiates the NLL.</summary>
public enum GradientMode
{
    /// <summary>Forward mode for one theta, reverse mode otherwise (see <see cref="NllOptions.ResolveGradientMode"/>).</summary>
    Auto,
    /// <summary>Reverse mode: one backward pass per event block, independent of the number of parameters.</summary>
    Reverse,
    /// <summary>Forward mode: one tangent pass per parameter; no backward pass.</summary>
    Forward,
}

/// <summary>How <see cref="CompiledNll.Hessian(ReadOnlySpan{double}, Span{double})"/> obtains second derivatives.</summary>
public enum HessianMethod
{
    /// <summary>Exact forward-over-reverse AD (smooth activations: tanh, SiLU, sigmoid, identity).</summary>
    ForwardOverReverse,
    /// <summary>Central differences of the AD gradient (ReLU, LeakyReLU: the exact Hessian is zero almost everywhere).</summary>
    GradientDifferences,
}

/// <summary>
/// Expected-yield model of the extended term: ν(θ) = N_SM · Q(θ)/Q(0) with Q(θ) = a + b·θ + θᵀCθ
/// (C row-major [n, n]), the quadratic rate form of the weight matrix.
/// </summary>
public sealed record RateForm(double StandardModelYield, double A, double[] B, double[] C);

/// <summary>Gaussian constraint (θ_k − mean)²/(2σ²) on theta component <paramref name="ThetaIndex"/>.</summary>
public sealed record GaussianConstraint(int ThetaIndex, double Mean, double Sigma);

/// <summary>What the generated NLL contains and how it is computed.</summary>
public sealed record NllOptions
{
    /// <summary>Kernel floating-point type.</summary>
    public Precision Precision { get; init; } = Precision.Single;
    /// <summary>Extended term; null switches it off.</summary>
    public RateForm? Rate { get; init; }
    /// <summary>Gaussian constraints on theta components.</summary>
    public IReadOnlyList<GaussianConstraint> Constraints { get; init; } = [];
    /// <summary>Differentiation mode of <see cref="CompiledNll.ValueAndGradient"/>.</summary>
    public GradientMode GradientMode { get; init; } = GradientMode.Auto;

    /// <summary>
    /// Rule for <see cref="GradientMode.Auto"/>: forward mode costs one tangent pass per theta (≈ (1 + n_θ)·F FLOPs,
    /// F = one forward pass) and keeps nothing; reverse mode costs ≈ 2·F for any n_θ but stores every layer's
    /// activation derivative. They tie at n_θ = 1, where forward needs less memory traffic, so forward for
    /// n_θ ≤ 1 and reverse for n_θ ≥ 2.
    /// </summary>
    public GradientMode ResolveGradientMode(int thetaCount) =>
        GradientMode != GradientMode.Auto ? GradientMode : thetaCount <= 1 ? GradientMode.Forward : GradientMode.Reverse;

    internal void Validate(TheoryAwareNetwork network)
    {
        int n = network.ThetaCount;
        if (Rate is { } r)
        {
            if (r.B.Length != n) throw new CodegenException($"rate form: b has {r.B.Length} entries, expected {n} (one per theta).");
            if (r.C.Length != n * n) throw new CodegenException($"rate form: C has {r.C.Length} entries, expected {n}x{n}.");
            if (!(r.A > 0) || !double.IsFinite(r.A)) throw new CodegenException($"rate form: Q(0) = a = {r.A} must be positive and finite.");
            if (!(r.StandardModelYield > 0)) throw new CodegenException($"rate form: N_SM = {r.StandardModelYield} must be positive.");
        }
        foreach (var c in Constraints)
        {
            if (c.ThetaIndex < 0 || c.ThetaIndex >= n)
                throw new CodegenException($"constraint on theta index {c.ThetaIndex}: the network has {n} theta components.");
            if (!(c.Sigma > 0) || !double.IsFinite(c.Sigma))
                throw new CodegenException($"constraint on '{network.ThetaNames[c.ThetaIndex]}': sigma {c.Sigma} must be positive and finite.");
        }
    }
}

/// <summary>Raised for invalid code-generation input or a failed compile (the message names the cause).</summary>
public sealed class CodegenException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Timing of one build: the seconds the build took on the caller's thread (compile or cache load, plus loading the
/// assembly; when the kernels were compiled in the background, the wait for them), hit flag, source size, cache key.
/// </summary>
public sealed record CompileReport(double Seconds, bool CacheHit, int SourceBytes, string CacheKey)
{
    /// <summary>When the kernels were compiled on a background thread while the caller did other work (a fitting command
    /// reading its data): that compile's own seconds. Null when the build compiled or loaded them itself.</summary>
    public double? BackgroundSeconds { get; init; }

    /// <summary>Whether the compiled image is in the disk cache after this build (false without a cache, or when the cache folder could not be written).</summary>
    public bool Cached { get; init; }
}
