using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SbiFit.Cli.Pipeline;

/// <summary>
/// Loads a <see cref="PipelineConfig"/> from YAML or JSON. Strict: unknown keys, wrong types and impossible values are
/// rejected with a <see cref="PipelineConfigException"/> naming the key path, before any work starts.
/// YAML is converted to a JSON tree first (plain scalars: true/false → bool, null/~ → null, numbers → numbers; quoted
/// scalars stay strings), then both formats share one deserialiser and one validation pass.
/// </summary>
public static class PipelineConfigLoader
{
    /// <summary>Serialiser options: snake_case, unknown members disallowed, indented output.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Loads the file; the format follows the extension (.yaml/.yml or .json).</summary>
    public static PipelineConfig Load(string path)
    {
        if (!File.Exists(path)) throw new PipelineConfigException("", "configuration file not found", path);
        string ext = Path.GetExtension(path).ToLowerInvariant();
        bool yaml = ext switch
        {
            ".yaml" or ".yml" => true,
            ".json" => false,
            _ => throw new PipelineConfigException("", $"unknown configuration format '{ext}' (use .yaml, .yml or .json)", path),
        };
        try
        {
            return Parse(File.ReadAllText(path), yaml);
        }
        catch (PipelineConfigException e) when (e.File is null)
        {
            throw new PipelineConfigException(e.KeyPath, e.Problem, path, e.InnerException);
        }
    }

    /// <summary>Parses YAML (<paramref name="yaml"/> true) or JSON text and validates it.</summary>
    public static PipelineConfig Parse(string text, bool yaml)
    {
        JsonNode? root = yaml ? YamlToJson(text) : ParseJson(text);
        if (root is null) return Validated(new PipelineConfig());
        if (root is not JsonObject obj) throw new PipelineConfigException("", "the document must be a mapping of keys");
        NormaliseThetaGen(obj);
        CheckKeys(obj, typeof(PipelineConfig), "");
        PipelineConfig? config;
        try
        {
            config = obj.Deserialize<PipelineConfig>(JsonOptions);
        }
        catch (JsonException e)
        {
            string path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
            throw new PipelineConfigException(path, $"wrong type or value ({FirstSentence(e.Message)})", null, e);
        }
        return Validated(config ?? new PipelineConfig());
    }

    /// <summary>Canonical JSON of any config slice (used for step settings hashes and results.json).</summary>
    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, JsonOptions);

    private static PipelineConfig Validated(PipelineConfig c)
    {
        PipelineConfigValidator.Validate(c);
        return c;
    }

    private static string FirstSentence(string message)
    {
        int i = message.IndexOf(". ", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message;
    }

    private static JsonNode? ParseJson(string text)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new PipelineConfigException((e.Path ?? "$").TrimStart('$').TrimStart('.'), $"invalid JSON ({FirstSentence(e.Message)})", null, e);
        }
    }

    /// <summary>theta_gen entries may be plain numbers (one WC): wrap them as one-element lists.</summary>
    private static void NormaliseThetaGen(JsonObject root)
    {
        if (root["fit"] is JsonObject fit && fit["theta_gen"] is JsonArray list)
            for (int i = 0; i < list.Count; i++)
                if (list[i] is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
                    list[i] = new JsonArray(v.DeepClone());
    }

    /// <summary>Rejects keys that are not properties of <paramref name="type"/>, recursing into nested records.</summary>
    private static void CheckKeys(JsonObject obj, Type type, string path)
    {
        var props = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .ToDictionary(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name), StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            string keyPath = path.Length == 0 ? key : $"{path}.{key}";
            if (!props.TryGetValue(key, out var prop))
                throw new PipelineConfigException(keyPath, $"unknown key (allowed here: {string.Join(", ", props.Keys.Order(StringComparer.Ordinal))})");
            Type t = prop.PropertyType;
            if (value is JsonObject child && IsRecord(t)) CheckKeys(child, t, keyPath);
            else if (value is JsonArray arr && t.IsArray && IsRecord(t.GetElementType()!))
                for (int i = 0; i < arr.Count; i++)
                    if (arr[i] is JsonObject item) CheckKeys(item, t.GetElementType()!, $"{keyPath}[{i}]");
        }
    }

    private static bool IsRecord(Type t) => t.IsClass && t != typeof(string) && !t.IsArray;

    private static JsonNode? YamlToJson(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new PipelineConfigException("", $"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", null, e);
        }
        if (stream.Documents.Count == 0) return null;
        if (stream.Documents.Count > 1) throw new PipelineConfigException("", "expected one YAML document");
        return Convert(stream.Documents[0].RootNode, "");
    }

    private static JsonNode? Convert(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    if (k is not YamlScalarNode { Value: { } key })
                        throw new PipelineConfigException(path, "keys must be plain strings");
                    string keyPath = path.Length == 0 ? key : $"{path}.{key}";
                    if (obj.ContainsKey(key)) throw new PipelineConfigException(keyPath, "key given twice");
                    obj[key] = Convert(v, keyPath);
                }
                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                int i = 0;
                foreach (var item in seq.Children) arr.Add(Convert(item, $"{path}[{i++}]"));
                return arr;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new PipelineConfigException(path, "unsupported YAML node (aliases and tags are not supported)");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode s)
    {
        string v = s.Value ?? "";
        if (s.Style != ScalarStyle.Plain) return JsonValue.Create(v);
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
            case ".inf" or "+.inf" or ".Inf": return JsonValue.Create("Infinity");
            case "-.inf" or "-.Inf": return JsonValue.Create("-Infinity");
        }
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)) return JsonValue.Create(l);
        if (ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out ulong u)) return JsonValue.Create(u);
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)) return JsonValue.Create(d);
        return JsonValue.Create(v);
    }
}
