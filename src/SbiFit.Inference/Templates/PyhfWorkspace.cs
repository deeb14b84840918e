using System.Numerics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace SbiFit.Inference.Templates;

/// <summary>Outcome of validating a workspace against pyhf's JSON schema 1.0.0.</summary>
/// <param name="IsValid">True when the document satisfies every rule of the schema.</param>
/// <param name="Errors">One line per failed rule: instance location and message.</param>
public sealed record PyhfValidation(bool IsValid, IReadOnlyList<string> Errors);

/// <summary>
/// Export of binned templates and observed counts as a pyhf workspace (schema 1.0.0): one channel, one sample
/// "signal" holding the template at the nominal coefficients with a <c>normfactor</c> "mu" (the POI) and a
/// <c>staterror</c> whose data are the absolute MC-stat uncertainties δ_b·ν_b; validation against pyhf's schema,
/// embedded from <c>tests/fixtures/pyhf-schema-1.0.0</c> (Apache-2.0).
/// </summary>
public static class PyhfWorkspace
{
    /// <summary>Builds the workspace JSON text.</summary>
    public static string ToJson(TemplateSet templates, IReadOnlyList<double> observed, IReadOnlyList<Complex>? nominal = null,
        string channel = "sbifit_binned")
    {
        ArgumentNullException.ThrowIfNull(templates);
        ArgumentNullException.ThrowIfNull(observed);
        if (observed.Count != templates.Bins)
            throw new TemplateException($"pyhf export: {observed.Count} observed counts for {templates.Bins} template bins.");
        var c = (nominal ?? templates.NominalCoefficients).ToArray();
        var nu = templates.Expected(c);
        var rel = templates.RelativeStatError();
        var sigma = new double[nu.Length];
        for (int b = 0; b < nu.Length; b++) sigma[b] = rel[b] * nu[b];
        CheckFinite("template", nu);
        CheckFinite("observation", observed);

        var ws = new JsonObject
        {
            ["channels"] = new JsonArray(new JsonObject
            {
                ["name"] = channel,
                ["samples"] = new JsonArray(new JsonObject
                {
                    ["name"] = "signal",
                    ["data"] = Numbers(nu),
                    ["modifiers"] = new JsonArray(
                        new JsonObject { ["name"] = "mu", ["type"] = "normfactor", ["data"] = null },
                        new JsonObject { ["name"] = "staterror_" + channel, ["type"] = "staterror", ["data"] = Numbers(sigma) }),
                }),
            }),
            ["observations"] = new JsonArray(new JsonObject { ["name"] = channel, ["data"] = Numbers(observed) }),
            ["measurements"] = new JsonArray(new JsonObject
            {
                ["name"] = "sbifit_measurement",
                ["config"] = new JsonObject
                {
                    ["poi"] = "mu",
                    ["parameters"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "mu",
                        ["inits"] = new JsonArray(1.0),
                        ["bounds"] = new JsonArray(new JsonArray(0.0, 10.0)),
                    }),
                },
            }),
            ["version"] = "1.0.0",
        };
        return ws.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Writes the workspace to <paramref name="path"/> atomically (temp file in the same folder, then rename)
    /// after validating it against the schema.</summary>
    public static void Export(TemplateSet templates, IReadOnlyList<double> observed, IReadOnlyList<Complex>? nominal, string path)
    {
        var json = ToJson(templates, observed, nominal);
        var check = Validate(json);
        if (!check.IsValid)
            throw new TemplateException($"pyhf export to '{path}': the workspace fails pyhf's schema: {string.Join("; ", check.Errors)}");
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllText(tmp, json);
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Validates JSON text against pyhf's workspace schema 1.0.0 (with its defs.json).</summary>
    public static PyhfValidation Validate(string json)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException ex) { return new PyhfValidation(false, new[] { $"not valid JSON: {ex.Message}" }); }
        using (doc)
        {
            var result = WorkspaceSchema.Value.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (result.IsValid) return new PyhfValidation(true, Array.Empty<string>());
            var errors = new List<string>();
            foreach (var d in result.Details ?? (IEnumerable<EvaluationResults>)Array.Empty<EvaluationResults>())
                if (d.Errors is { Count: > 0 } errs)
                    foreach (var kv in errs) errors.Add($"{d.InstanceLocation}: {kv.Key}: {kv.Value}");
            if (errors.Count == 0) errors.Add("schema validation failed");
            return new PyhfValidation(false, errors);
        }
    }

    private static readonly Lazy<JsonSchema> WorkspaceSchema = new(() =>
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        JsonSchema.FromText(ReadResource("defs.json"), options);
        return JsonSchema.FromText(ReadResource("workspace.json"), options);
    });

    private static string ReadResource(string name)
    {
        var asm = Assembly.GetExecutingAssembly();
        var res = asm.GetManifestResourceNames().FirstOrDefault(r => r.EndsWith("PyhfSchema." + name, StringComparison.Ordinal))
                  ?? throw new TemplateException($"pyhf schema resource '{name}' is missing from {asm.GetName().Name}.");
        using var stream = asm.GetManifestResourceStream(res)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static JsonArray Numbers(IReadOnlyList<double> values)
    {
        var a = new JsonArray();
        foreach (var v in values) a.Add(v);
        return a;
    }

    private static void CheckFinite(string what, IReadOnlyList<double> values)
    {
        for (int b = 0; b < values.Count; b++)
            if (!double.IsFinite(values[b])) throw new TemplateException($"pyhf export: {what} in bin {b} is {values[b]}.");
    }
}
