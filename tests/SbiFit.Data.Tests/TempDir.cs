namespace SbiFit.Data.Tests;

/// <summary>A per-test temporary folder, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "sbifit-data-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }

    /// <summary>A small deterministic table with the reconstructed observables, an event id and metadata.</summary>
    public static EventTable Sample(int rows = 257)
    {
        var t = new EventTable();
        var rng = new Random(12345);
        foreach (var name in EventSchema.Features.Append(EventSchema.Weight))
            t.AddColumn(name, Enumerable.Range(0, rows).Select(_ => rng.NextDouble() * 10 - 2 + 1e-17).ToArray());
        t.AddColumn(EventSchema.EventId, Enumerable.Range(0, rows).Select(i => (double)(i * 1000003L)).ToArray());
        t.Metadata["seed"] = "42";
        t.Metadata["config"] = "{\"events\": 100,\n \"path\": \"C:\\\\x\"}";
        t.Metadata["wc"] = "V_R=0.5";
        return t;
    }

    public static void AssertSame(EventTable expected, EventTable actual)
    {
        Assert.Equal(expected.ColumnNames, actual.ColumnNames);
        Assert.Equal(expected.RowCount, actual.RowCount);
        foreach (var name in expected.ColumnNames)
            Assert.Equal(expected.GetColumn(name), actual.GetColumn(name)); // bitwise-equal doubles
        Assert.Equal(expected.Metadata.OrderBy(k => k.Key), actual.Metadata.OrderBy(k => k.Key));
    }
}
