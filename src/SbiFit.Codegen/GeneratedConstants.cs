using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;

namespace SbiFit.Codegen;

/// <summary>
/// The numbers of one generated class — network weights, standardisation, the theory-aware shift, the rate form and
/// constraint constants — kept out of its source, as SOFIE keeps large weights in a separate data file. The source
/// then depends only on the architecture and the NLL's structure, so every model of the same shape shares one compiled
/// (and disk-cached) assembly; each load gets its own copy of the static arrays, filled from its set.
/// </summary>
public sealed class ConstantSet
{
    readonly Dictionary<string, double[]> values = new(StringComparer.Ordinal);

    /// <summary>The named arrays, in the order they were added.</summary>
    public IReadOnlyDictionary<string, double[]> Values => values;

    /// <summary>Adds float32 values (held exactly as doubles); non-finite values are rejected with the array's name.</summary>
    public void Add(string name, ReadOnlySpan<float> v, string what = "weight")
    {
        var d = new double[v.Length];
        for (int i = 0; i < v.Length; i++) d[i] = v[i];
        Add(name, d, what);
    }

    /// <summary>Adds double values; non-finite values are rejected with the array's name.</summary>
    public void Add(string name, double[] v, string what = "constant")
    {
        for (int i = 0; i < v.Length; i++)
            if (!double.IsFinite(v[i])) throw new CodegenException($"cannot emit non-finite {what} {name}[{i}] = {v[i]}.");
        if (!values.TryAdd(name, (double[])v.Clone())) throw new CodegenException($"constant '{name}' is defined twice.");
    }

    /// <summary>SHA-256 (hex) of the names and exact bits: with the source key it identifies one compiled model.</summary>
    public string Hash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> bits = stackalloc byte[8];
        foreach (var (name, v) in values)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(name + "\n" + v.Length + "\n"));
            foreach (double x in v) { BinaryPrimitives.WriteDoubleLittleEndian(bits, x); sha.AppendData(bits); }
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>Writes the set as JSON (name → array; round-trip exact), atomically: the readable companion of an emitted source.</summary>
    public void WriteJson(string path)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            foreach (var (name, v) in values)
            {
                w.WriteStartArray(name);
                foreach (double x in v) w.WriteNumberValue(x);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        Data.AtomicFile.WriteAllBytes(path, ms.ToArray());
    }
}

/// <summary>
/// Hands a <see cref="ConstantSet"/> to the static initialiser of a generated class while <see cref="RoslynBuilder"/>
/// runs it on the loading thread. Public only because the generated code calls <see cref="Get"/>.
/// </summary>
public static class GeneratedConstants
{
    [ThreadStatic] static ConstantSet? loading;

    /// <summary>
    /// Runs <paramref name="initialise"/> (e.g. a generated type's static constructor) with <paramref name="set"/> as the
    /// constants <see cref="Get"/> hands out on this thread; the previous set (usually none) is restored afterwards.
    /// </summary>
    public static void Run(ConstantSet set, Action initialise)
    {
        var previous = loading;
        loading = set;
        try { initialise(); }
        finally { loading = previous; }
    }

    /// <summary>The array <paramref name="name"/> of the set being loaded; it must hold <paramref name="count"/> values.</summary>
    public static double[] Get(string name, int count)
    {
        var set = loading ?? throw new InvalidOperationException(
            "a generated class was initialised outside its loader, so its constants are not available.");
        if (!set.Values.TryGetValue(name, out var v)) throw new InvalidOperationException($"the generated code needs constant '{name}', which its set does not have.");
        if (v.Length != count) throw new InvalidOperationException($"constant '{name}' has {v.Length} values, the generated code expects {count}.");
        return v;
    }
}
