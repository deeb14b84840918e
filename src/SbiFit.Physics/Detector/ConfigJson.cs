using System.Text.Json;
using System.Text.Json.Serialization;

namespace SbiFit.Physics.Detector;

/// <summary>JSON conventions shared by the generator and detector configurations: snake_case, unknown keys rejected.</summary>
internal static class ConfigJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static T Parse<T>(string json, string what) where T : class
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(json, Options);
        }
        catch (JsonException e)
        {
            throw new GeneratorConfigException($"{what}: invalid JSON ({e.Message})", e);
        }
        return value ?? throw new GeneratorConfigException($"{what}: JSON is null");
    }
}
