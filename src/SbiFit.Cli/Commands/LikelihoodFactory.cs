using SbiFit.Codegen.Backends;
using System.CommandLine;
using System.Globalization;
using SbiFit.Data;
using SbiFit.Inference.Likelihood;
using SbiFit.Inference.Statistics;
using SbiFit.Learning;
using SbiFit.Learning.Onnx;
using SbiFit.Physics;

namespace SbiFit.Cli.Commands;

/// <summary>A likelihood built for a dataset: the setup, the data's base event weights and what owns native resources.</summary>
internal sealed record LoadedLikelihood(LikelihoodSetup Setup, double[] BaseWeights, string Backend, IDisposable? Owner) : IDisposable
{
    public void Dispose() => Owner?.Dispose();
}

/// <summary>
/// The options every statistics command shares (--data, --poi, --likelihood, --model, --backend, --reference,
/// --theta-map) and the code that turns them into an NLL over an <see cref="EventTable"/>.
/// </summary>
internal sealed class LikelihoodFactory
{
    public Option<string> Data { get; } = new("--data") { Description = "Data file (.parquet/.csv): model features, w_* columns for the oracle/Asimov, optional 'weight'.", Required = true };
    public Option<string[]> Poi { get; } = new("--poi") { Description = "Parameter of interest (repeatable): V_R, Im_V_R, S_L, S_R, T_L, V_L (aliases V_RL, S_LL, ...).", Required = true };
    public Option<string> Likelihood { get; } = new("--likelihood") { Description = "oracle (exact ratio from the w_* columns) or sbi (learned ratio from --model).", DefaultValueFactory = _ => "oracle" };
    public Option<string?> Model { get; } = new("--model") { Description = "ONNX theory-aware classifier for --likelihood sbi." };
    public Option<string> Backend { get; } = new("--backend") { Description = "Evaluation backend for sbi: interpreted (SbiFit's kernels), runtime (ONNX Runtime), codegen (generated code, numerical gradient) or codegen-ad (generated code with gradient and Hessian).", DefaultValueFactory = _ => "interpreted" };
    public Option<string?> Reference { get; } = new("--reference") { Description = "SM sample whose w_* columns give the rate form I(theta) of the extended term (default: the data file)." };
    public Option<string[]> ThetaMap { get; } = new("--theta-map") { Description = "Map a model theta input to a POI (repeatable), e.g. theta0=V_R." };
    public Option<bool> SmNormalise { get; } = new("--sm-normalise") { Description = "sbi: normalise r numerically by its mean over the SM sample (--reference, else the data); warns when that mean is far from 1." };

    /// <summary>Adds the shared options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Data, Poi, Likelihood, Model, Backend, Reference, ThetaMap, SmNormalise }) command.Options.Add(o);
    }

    /// <summary>Reads the files named by the options and builds the likelihood.</summary>
    public LoadedLikelihood Load(ParseResult parse)
    {
        // The generated backends compile with Roslyn, whose first use in a process JIT-compiles the compiler: compile the
        // fit's kernels in the background now, so both overlap with reading the data files (the build waits for that
        // compile instead of starting its own). Nothing starts when the disk cache holds them (e.g. precompiled by
        // `train`); an unreadable model only warms the compiler up (Build reports what is wrong with it).
        var model = parse.GetValue(Likelihood) == "sbi" && parse.GetValue(Backend) is "codegen" or "codegen-ad"
            ? StartKernelCompile(parse.GetValue(Model)) : null;
        var data = EventTableIO.Read(parse.GetValue(Data)!);
        string? refPath = parse.GetValue(Reference);
        var reference = refPath is null ? null : EventTableIO.Read(refPath);
        return Build(data, reference, parse.GetValue(Poi) ?? [], parse.GetValue(Likelihood) ?? "oracle", parse.GetValue(Model),
            parse.GetValue(Backend) ?? "interpreted", parse.GetValue(ThetaMap) ?? [], parse.GetValue(SmNormalise), model);
    }

    /// <summary>
    /// Starts the background compile of the model's fit kernels, or only Roslyn's warm-up when the model cannot be read
    /// here; returns the model it read (null when it could not), so the build does not read it again.
    /// </summary>
    static OnnxModel? StartKernelCompile(string? modelPath)
    {
        OnnxModel? model = null;
        try { if (modelPath is not null && File.Exists(modelPath)) model = OnnxModelReader.Load(modelPath); }
        catch (Exception) { model = null; }
        if (model?.Network is { } network) _ = Codegen.NllCodeGenerator.StartPrecompileForFits(network, new Codegen.CodeCache());
        else _ = Codegen.NllCodeGenerator.WarmUp();
        return model;
    }

    /// <summary>
    /// Builds the likelihood of <paramref name="data"/> (see the option descriptions for the meaning of each argument);
    /// <paramref name="preloaded"/> is the model at <paramref name="modelPath"/> when the caller has read it already.
    /// </summary>
    public static LoadedLikelihood Build(EventTable data, EventTable? reference, IReadOnlyList<string> pois, string kind, string? modelPath,
        string backend, IReadOnlyList<string> thetaMap, bool smNormalise = false, OnnxModel? preloaded = null)
    {
        if (pois.Count == 0) throw new CliUsageException("give at least one --poi");
        _ = new WilsonParameterMap(pois); // names every unknown POI
        DataValidation.RequireNonEmpty(data, "data");
        var baseWeights = BaseWeights(data);
        double nSm = CompensatedSum.Pairwise(baseWeights);
        var packed = WeightMatrixColumns.Present(data) ? WeightMatrixColumns.Pack(data) : null;
        var refTable = reference ?? data;
        if (!WeightMatrixColumns.Present(refTable))
            throw new DataException("the rate form I(theta) of the extended term needs the w_re_*/w_im_* weight-matrix columns; " +
                                    "give an SM sample that has them with --reference", refTable.Source);
        DataValidation.RequireNonEmpty(refTable, "reference sample");
        var rate = RateQuadraticForm.FromEvents(reference is null ? packed! : WeightMatrixColumns.Pack(refTable),
            reference is null ? baseWeights : BaseWeights(refTable));
        switch (kind)
        {
            case "oracle":
                if (packed is null) DataValidation.RequireColumns(data, WeightMatrixLayout.ColumnNames);
                return new LoadedLikelihood(LikelihoodSetup.Oracle(packed!, pois, rate, nSm), baseWeights, "exact", null);
            case "sbi":
                if (modelPath is null) throw new CliUsageException("--likelihood sbi needs --model M.onnx");
                if (backend is "codegen" or "codegen-ad")
                    return GeneratedCode(data, reference, pois, modelPath, backend, thetaMap, smNormalise, rate, packed, nSm, baseWeights, preloaded);
                var (model, owner, name, metadata) = LoadModel(modelPath, backend);
                try
                {
                    var thetaToPoi = MapThetas(model, pois, thetaMap, modelPath);
                    var x = Features(data, model);
                    var smX = smNormalise ? (reference is null ? x : Features(reference, model)) : null;
                    var learned = LikelihoodSetup.Learned(model, x, thetaToPoi, pois, rate, packed, nSm, smX)
                        .WithPoiLimits(TrainingLimits(metadata, model.ThetaNames, thetaToPoi, pois.Count));
                    return new LoadedLikelihood(learned, baseWeights, name, owner);
                }
                catch
                {
                    owner?.Dispose();
                    throw;
                }
            default:
                throw new CliUsageException($"--likelihood must be 'oracle' or 'sbi', got '{kind}'");
        }
    }

    /// <summary>The SBI likelihood compiled to generated code (one compile, rebound per set of weights).</summary>
    private static LoadedLikelihood GeneratedCode(EventTable data, EventTable? reference, IReadOnlyList<string> pois, string modelPath,
        string backend, IReadOnlyList<string> thetaMap, bool smNormalise, RateQuadraticForm rate, double[]? packed, double nSm, double[] baseWeights,
        OnnxModel? preloaded)
    {
        var onnx = preloaded ?? OnnxModelReader.Load(modelPath);
        var network = onnx.Network ?? throw new CliUsageException(
            $"--backend {backend} needs a theory-aware network; {modelPath} is a general graph ({onnx.NotConvertedReason})");
        var kind = LikelihoodBackends.Parse(backend);
        var thetaToPoi = MapThetas(network, pois, thetaMap, modelPath);
        var x = Features(data, network);
        var smX = smNormalise ? (reference is null ? x : Features(reference, network)) : null;
        // The disk cache (CodeCache.DefaultDirectory, $SBIFIT_CODEGEN_CACHE) is keyed by the source, which holds only the
        // architecture and the NLL's structure: later processes (toys, scans, batch jobs) and retrained models of the
        // same shape load the compiled kernels instead of compiling them.
        var builder = new SbiLikelihoodBuilder(network, modelPath) { Cache = new Codegen.CodeCache() };
        var parameters = pois.Select(p => new Inference.Parameter(p, 0.0, 0.1)).ToArray();
        var thetaParameters = thetaToPoi.Select(t => t < 0 ? null : pois[t]).ToArray();
        var setup = LikelihoodSetup.FromBackend("sbi", pois, rate, baseWeights.Length, (w, _) => builder.Build(kind, new SbiLikelihoodInput
        {
            Parameters = parameters, ThetaParameters = thetaParameters, Features = x, Weights = w, Rate = rate, StandardModelYield = nSm,
            SmReferenceFeatures = smX,
        }), packed, nSm).WithPoiLimits(TrainingLimits(onnx.Metadata, network.ThetaNames, thetaToPoi, pois.Count));
        return new LoadedLikelihood(setup, baseWeights, backend, builder);
    }

    /// <summary>
    /// Limits of each POI from the θ ranges the model was trained on (ONNX metadata <c>theta_ranges</c>, written by
    /// <c>sbifit train</c>); null where the model does not say (e.g. an imported PyTorch model). Outside its training
    /// range the network extrapolates: demo models showed spurious, deeper NLL minima at |V_R| &gt; 2.
    /// </summary>
    internal static (double Lo, double Hi)?[] TrainingLimits(IReadOnlyDictionary<string, string> metadata, IReadOnlyList<string> thetaNames,
        int[] thetaToPoi, int poiCount)
    {
        var limits = new (double Lo, double Hi)?[poiCount];
        if (!metadata.TryGetValue("theta_ranges", out var text) || string.IsNullOrWhiteSpace(text)) return limits;
        var ranges = new Dictionary<string, ThetaRange>();
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try { var r = ThetaRange.Parse(part); ranges[r.Name] = r; }
            catch (ArgumentException) { return limits; } // not ours to interpret: leave the fit unlimited
        }
        for (int t = 0; t < thetaToPoi.Length; t++)
            if (thetaToPoi[t] >= 0 && ranges.TryGetValue(thetaNames[t], out var range))
                limits[thetaToPoi[t]] = (range.Lo, range.Hi);
        return limits;
    }

    private static (ILogitModel Model, IDisposable? Owner, string Name, IReadOnlyDictionary<string, string> Metadata) LoadModel(
        string path, string backend)
    {
        switch (backend)
        {
            case "interpreted":
                var onnx = OnnxModelReader.Load(path);
                // The rebuilt network has fast kernels once it implements ILogitModel; else the graph interpreter.
                return (object?)onnx.Network is ILogitModel fast
                    ? (fast, null, "network", onnx.Metadata)
                    : (onnx, null, "interpreter", onnx.Metadata);
            case "runtime":
                var rt = new OnnxRuntimeLogitModel(path);
                return (rt, rt, "onnxruntime", rt.Metadata);
            default:
                throw new CliUsageException($"--backend must be one of interpreted, runtime, codegen, codegen-ad; got '{backend}'");
        }
    }

    /// <summary>For each network theta input, the POI it is fed from (−1: held at zero, the SM).</summary>
    internal static int[] MapThetas(ILogitModel model, IReadOnlyList<string> pois, IReadOnlyList<string> thetaMap, string modelPath)
    {
        var thetas = model.ThetaNames;
        var rename = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in thetaMap)
        {
            var parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                throw new CliUsageException($"--theta-map '{entry}' is not of the form MODEL_THETA=POI (e.g. theta0=V_R)");
            if (!thetas.Contains(parts[0]))
                throw new CliUsageException($"--theta-map names '{parts[0]}', which is not a theta input of {modelPath} (model thetas: {string.Join(", ", thetas)})");
            rename[parts[0]] = parts[1];
        }
        var map = new int[thetas.Count];
        for (int t = 0; t < thetas.Count; t++)
        {
            string target = rename.GetValueOrDefault(thetas[t], thetas[t]);
            map[t] = pois.ToList().IndexOf(target);
        }
        for (int k = 0; k < pois.Count; k++)
            if (!map.Contains(k))
                throw new CliUsageException($"POI '{pois[k]}' is not a theta input of model {modelPath} (model thetas: {string.Join(", ", thetas)}); " +
                                            $"map one with --theta-map, e.g. --theta-map {thetas.FirstOrDefault() ?? "theta0"}={pois[k]}");
        return map;
    }

    /// <summary>Model features as a row-major float array; every model feature must be a finite data column.</summary>
    internal static float[] Features(EventTable data, ILogitModel model) => FeatureMatrix.Gather(data, model.FeatureNames);

    /// <summary>The 'weight' column (checked: finite, non-negative, not all zero) or ones.</summary>
    internal static double[] BaseWeights(EventTable table)
    {
        if (!table.HasColumn(EventSchema.Weight)) return Enumerable.Repeat(1.0, table.RowCount).ToArray();
        DataValidation.CheckWeights(table, EventSchema.Weight);
        return table.GetColumn(EventSchema.Weight);
    }

    /// <summary>Parses "V_R=0.3,S_L=-0.1" into POI order (unnamed POIs 0); names must be POIs.</summary>
    public static double[] ParseAssignments(string text, IReadOnlyList<string> pois, string option)
    {
        var values = new double[pois.Count];
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
            int k = parts.Length == 2 ? pois.ToList().IndexOf(parts[0]) : -1;
            if (parts.Length != 2) throw new CliUsageException($"{option} '{item}' is not of the form POI=VALUE (e.g. V_R=0.3)");
            if (k < 0) throw new CliUsageException($"{option} names '{parts[0]}', which is not a --poi ({string.Join(", ", pois)})");
            values[k] = ParseNumber(parts[1], option);
        }
        return values;
    }

    /// <summary>Parses theta_gen points: comma-separated points, each one value per POI joined by ':' (e.g. 0.1:0.2).</summary>
    public static List<double[]> ParsePoints(string text, int poiCount, string option)
    {
        var points = new List<double[]>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var v = item.Split(':').Select(s => ParseNumber(s, option)).ToArray();
            if (v.Length != poiCount)
                throw new CliUsageException($"{option} point '{item}' has {v.Length} value(s) for {poiCount} POI(s); join values with ':' in --poi order");
            points.Add(v);
        }
        if (points.Count == 0) throw new CliUsageException($"{option} is empty");
        return points;
    }

    /// <summary>Parses "lo:hi" with lo &lt; hi.</summary>
    public static (double Lo, double Hi) ParseRange(string text, string option)
    {
        var parts = text.Split(':');
        if (parts.Length != 2) throw new CliUsageException($"{option} '{text}' is not of the form LO:HI (e.g. -1:1)");
        double lo = ParseNumber(parts[0], option), hi = ParseNumber(parts[1], option);
        if (!(lo < hi)) throw new CliUsageException($"{option} '{text}' is inverted or empty: LO must be below HI");
        return (lo, hi);
    }

    private static double ParseNumber(string s, string option) =>
        double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw new CliUsageException($"{option}: '{s}' is not a finite number");
}
