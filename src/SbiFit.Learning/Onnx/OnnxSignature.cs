using Onnx;
using SbiFit.Data;

namespace SbiFit.Learning.Onnx;

/// <summary>
/// What a logit model file promises: inputs <c>x</c> [N, n_x] and optionally <c>theta</c> [N, n_θ] (float32),
/// one output [N, 1] or [N] (named <c>logit</c>, or the only output), names from the metadata or defaults.
/// </summary>
internal sealed record OnnxSignature(
    string OutputName, int OutputRank, bool HasTheta,
    IReadOnlyList<string> FeatureNames, IReadOnlyList<string> ThetaNames, IReadOnlyDictionary<string, string> Metadata)
{
    public const string InputX = "x", InputTheta = "theta", OutputLogit = "logit";
    public const string KeyFeatures = "feature_names", KeyThetas = "theta_names";

    public static OnnxSignature Read(ModelProto model, string source)
    {
        var graph = model.Graph;
        var metadata = new Dictionary<string, string>();
        foreach (var p in model.MetadataProps) metadata[p.Key] = p.Value;
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet();
        var inputs = graph.Input.Where(v => !initializers.Contains(v.Name)).ToList();
        string existing = string.Join(", ", inputs.Select(v => $"'{v.Name}'"));

        var x = inputs.FirstOrDefault(v => v.Name == InputX)
            ?? throw new OnnxModelException($"'{source}' has inputs {existing}; a SbiFit logit model needs an input named 'x' [N, n_x] "
                + "and, with parameters, 'theta' [N, n_theta].");
        var theta = inputs.FirstOrDefault(v => v.Name == InputTheta);
        foreach (var v in inputs)
            if (v.Name is not (InputX or InputTheta))
                throw new OnnxModelException($"'{source}' has inputs {existing}; only 'x' and 'theta' are allowed (unexpected input '{v.Name}').");

        var featureNames = Names(metadata, KeyFeatures);
        var thetaNames = Names(metadata, KeyThetas);
        int nx = Width(x, featureNames?.Count, source);
        int nt = theta is null ? 0 : Width(theta, thetaNames?.Count, source);
        if (theta is null && thetaNames is { Count: > 0 })
            throw new OnnxModelException($"'{source}' lists theta names ({metadata[KeyThetas]}) in its metadata but has no 'theta' input (its inputs: {existing}).");
        featureNames ??= nx == EventSchema.Features.Count ? EventSchema.Features : Enumerable.Range(0, nx).Select(i => $"x{i}").ToArray();
        thetaNames ??= Enumerable.Range(0, nt).Select(i => $"theta{i}").ToArray();
        if (featureNames.Count != nx)
            throw new OnnxModelException($"'{source}' metadata names {featureNames.Count} features but input 'x' has {nx} columns.");
        if (thetaNames.Count != nt)
            throw new OnnxModelException($"'{source}' metadata names {thetaNames.Count} theta components but input 'theta' has {nt} columns.");

        var outputs = graph.Output.ToList();
        var output = outputs.FirstOrDefault(v => v.Name == OutputLogit) ?? (outputs.Count == 1 ? outputs[0]
            : throw new OnnxModelException($"'{source}' has outputs {string.Join(", ", outputs.Select(v => $"'{v.Name}'"))}; expected one named 'logit'."));
        var (elem, shape) = OnnxProto.Describe(output);
        if (elem != OnnxProto.ElemFloat)
            throw new OnnxModelException($"output '{output.Name}' of '{source}' has data type {OnnxProto.ElemTypeName(elem)}; a logit must be float32.");
        if (shape is not null && (shape.Length is < 1 or > 2 || (shape.Length == 2 && shape[1] is { } w && w != 1)))
            throw new OnnxModelException($"output '{output.Name}' of '{source}' has shape [{string.Join(",", shape.Select(d => d?.ToString() ?? "N"))}]; "
                + "a logit model must output [N, 1] (one logit per event).");
        return new OnnxSignature(output.Name, shape?.Length ?? 2, theta is not null, featureNames, thetaNames, metadata);
    }

    static IReadOnlyList<string>? Names(Dictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out var s)
            ? s.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : null;

    /// <summary>Number of columns of a rank-2 float input, from its declared shape or else from the metadata names.</summary>
    static int Width(ValueInfoProto input, int? fromMetadata, string source)
    {
        var (elem, shape) = OnnxProto.Describe(input);
        if (elem != OnnxProto.ElemFloat)
            throw new OnnxModelException($"input '{input.Name}' of '{source}' has data type {OnnxProto.ElemTypeName(elem)}; only float32 is supported.");
        if (shape is not null && shape.Length != 2)
            throw new OnnxModelException($"input '{input.Name}' of '{source}' has rank {shape.Length}; expected a matrix [N, columns].");
        return shape?[1] ?? fromMetadata
            ?? throw new OnnxModelException($"input '{input.Name}' of '{source}' has no fixed column count and the metadata does not name its columns.");
    }
}
