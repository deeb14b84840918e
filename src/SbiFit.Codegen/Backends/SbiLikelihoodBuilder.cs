using System.Diagnostics;
using SbiFit.Inference.Likelihood;
using SbiFit.Learning;
using SbiFit.Learning.Onnx;

namespace SbiFit.Codegen.Backends;

/// <summary>
/// The single entry point that turns a model + dataset + rate form into the SBI NLL for any
/// <see cref="LikelihoodBackend"/>. runtime and interpreted build an <see cref="NllModel"/> of
/// <see cref="LearnedRatioTerm"/> + <see cref="ExtendedTerm"/> + constraints (numerical gradient by the minimiser);
/// codegen and codegen-ad compile the whole NLL (<see cref="NllCodeGenerator"/>) and bind it as a <see cref="CompiledNll"/>.
/// Owns the compiled kernels (memoised per generated source and constants, so codegen and codegen-ad share one compile) and the
/// ONNX Runtime session; dispose it after the likelihoods it built are no longer used.
/// </summary>
public sealed class SbiLikelihoodBuilder : IDisposable
{
    readonly Dictionary<string, CompiledCode<INllKernels>> compiled = new();
    OnnxRuntimeLogitModel? runtime;

    /// <summary>
    /// <paramref name="network"/> serves interpreted/codegen/codegen-ad; <paramref name="onnxPath"/> (an ONNX file of the
    /// same network) serves runtime. Either may be null when its backends are not used.
    /// </summary>
    public SbiLikelihoodBuilder(TheoryAwareNetwork? network, string? onnxPath = null)
    {
        if (network is null && onnxPath is null) throw new ArgumentException("a likelihood builder needs a network or an ONNX file.");
        Network = network; OnnxPath = onnxPath;
    }

    /// <summary>Loads <paramref name="onnxPath"/> for runtime and, when it has the theory-aware pattern, as a network for the other backends.</summary>
    public static SbiLikelihoodBuilder FromOnnx(string onnxPath) => new(OnnxModelReader.Load(onnxPath).Network, onnxPath);

    /// <summary>The network of the interpreted and generated backends.</summary>
    public TheoryAwareNetwork? Network { get; }
    /// <summary>The ONNX file of the runtime backend.</summary>
    public string? OnnxPath { get; }
    /// <summary>Kernel precision of the generated backends (Single in production, Double to verify).</summary>
    public Precision Precision { get; init; } = Precision.Single;
    /// <summary>Disk cache of compiled kernels; null compiles in every process.</summary>
    public CodeCache? Cache { get; init; }
    /// <summary>Worker threads (0 = all processors).</summary>
    public int Threads { get; init; }
    /// <summary>
    /// Exact linearisation cache of the codegen backends for piecewise-linear (ReLU/LeakyReLU) networks
    /// (<see cref="CompiledNll.Linearising"/>); on by default, false evaluates every event through the network on every call.
    /// </summary>
    public bool Linearise { get; set; } = true;

    int ThreadCount => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>Builds the NLL for <paramref name="backend"/>; the setup (binding, logit(x, 0), compile) is timed separately.</summary>
    public SbiLikelihood Build(LikelihoodBackend backend, SbiLikelihoodInput input)
    {
        var clock = Stopwatch.StartNew();
        if (backend == LikelihoodBackend.Runtime)
        {
            if (OnnxPath is null) throw new ArgumentException("the runtime backend needs the ONNX model file.");
            runtime ??= new OnnxRuntimeLogitModel(OnnxPath, ThreadCount);
            var model = Terms(runtime, input);
            return new SbiLikelihood(backend, input.Parameters, model, null, null, clock.Elapsed.TotalSeconds, RoundingNoise(input.Weights, Precision.Single));
        }
        var net = Network ?? throw new ArgumentException($"the {backend.Name()} backend needs a theory-aware network (the ONNX graph is not one).");
        if (backend == LikelihoodBackend.Interpreted)
            return new SbiLikelihood(backend, input.Parameters, Terms(new EvaluatorModel(net, ThreadCount), input), null, null, clock.Elapsed.TotalSeconds,
                RoundingNoise(input.Weights, Precision.Single));

        input.Validate(net.FeatureCount);
        var thetaToParam = input.ThetaToParameter(net.ThetaCount);
        var code = Kernels(net, GeneratedOptions(net, input, thetaToParam));
        var nll = new CompiledNll(code.Instance, input.Features, input.Weights, analyticGradient: backend == LikelihoodBackend.CodegenAd, maxThreads: ThreadCount,
            linearise: Linearise, smReference: input.SmReferenceFeatures);
        var objective = new ThetaMappedObjective(nll, thetaToParam, input.Parameters.Count);
        return new SbiLikelihood(backend, input.Parameters, objective, nll, code.Report, clock.Elapsed.TotalSeconds, RoundingNoise(input.Weights, Precision));
    }

    /// <summary>
    /// Absolute precision of an NLL whose learned term sums per-event logits computed in <paramref name="precision"/>:
    /// 4·u·√(Σ w²) with u the unit roundoff (2⁻²⁴ for float32). The per-event rounding errors are independent, so they
    /// add in quadrature; the scatter of f under θ changes of 1e-6 (second differences) measured 0.7–2.0·u·√(Σ w²) on
    /// the test networks for all four backends, hence the factor 4.
    /// </summary>
    public static double RoundingNoise(ReadOnlySpan<double> weights, Precision precision)
    {
        double sumSquares = 0;
        foreach (double w in weights) sumSquares += w * w;
        double u = precision == Precision.Single ? Math.Pow(2, -24) : Math.Pow(2, -53);
        return 4 * u * Math.Sqrt(sumSquares);
    }

    /// <summary>The generated NLL's options for <paramref name="input"/>: kernel precision, the rate form and constraints over network θ.</summary>
    NllOptions GeneratedOptions(TheoryAwareNetwork net, SbiLikelihoodInput input, int[] thetaToParam)
    {
        var paramToTheta = CodegenThetaMap.Invert(thetaToParam, input);
        return new NllOptions
        {
            Precision = Precision,
            Rate = CodegenThetaMap.RateForm(input, paramToTheta, net.ThetaCount),
            Constraints = input.Constraints.Select(c => new GaussianConstraint(paramToTheta[input.IndexOf(c.Parameter)], c.Mean, c.Sigma)).ToArray(),
        };
    }

    /// <summary>
    /// Loads (or compiles) the generated kernels <paramref name="input"/> needs straight from <see cref="Cache"/>, outside
    /// the in-process memo and without binding a dataset, then unloads them: what a later process pays for them.
    /// </summary>
    internal CompileReport TimeKernelLoad(SbiLikelihoodInput input)
    {
        var net = Network ?? throw new ArgumentException("the generated backends need a theory-aware network.");
        using var code = NllCodeGenerator.Compile(NllCodeGenerator.Generate(net, GeneratedOptions(net, input, input.ThetaToParameter(net.ThetaCount))), Cache);
        return code.Report;
    }

    CompiledCode<INllKernels> Kernels(TheoryAwareNetwork net, NllOptions options)
    {
        // Source and constants together: two models of one architecture share a source (and its disk-cache entry)
        // but not their loaded kernels. Toy studies build likelihoods from several threads: load each model once.
        var generated = NllCodeGenerator.Generate(net, options);
        string key = generated.ModelKey;
        lock (compiled)
        {
            if (!compiled.TryGetValue(key, out var code)) compiled[key] = code = NllCodeGenerator.Compile(generated, Cache);
            return code;
        }
    }

    static NllModel Terms(ILogitModel model, SbiLikelihoodInput input)
    {
        input.Validate(model.FeatureNames.Count);
        var nll = new NllModel(input.Parameters);
        var learned = new LearnedRatioTerm(model, input.Features, input.Weights, input.ThetaToParameter(model.ThetaNames.Count), input.SmReferenceFeatures);
        nll.Add(learned);
        if (input.Rate is { } rate)
        {
            var (map, index) = input.RateMap();
            nll.Add(new ExtendedTerm(rate, map, index, input.StandardModelYield, learned.SumOfWeights));
        }
        foreach (var c in input.Constraints)
            nll.Add(new Inference.Likelihood.GaussianConstraint(input.IndexOf(c.Parameter), c.Mean, c.Sigma, c.Parameter));
        return nll;
    }

    /// <summary>Unloads the compiled kernels and closes the ONNX Runtime session.</summary>
    public void Dispose()
    {
        foreach (var c in compiled.Values) c.Dispose();
        compiled.Clear();
        runtime?.Dispose();
        runtime = null;
    }

    /// <summary>The interpreted backend: <see cref="NetworkEvaluator"/> with a fixed thread count.</summary>
    sealed class EvaluatorModel(TheoryAwareNetwork net, int threads) : ILogitModel
    {
        readonly NetworkEvaluator evaluator = new(net, threads);
        public IReadOnlyList<string> FeatureNames => net.FeatureNames;
        public IReadOnlyList<string> ThetaNames => net.ThetaNames;
        public void Logits(ReadOnlySpan<float> x, ReadOnlySpan<float> theta, int rows, Span<float> logits) => evaluator.Logits(x, theta, rows, logits);
    }
}
