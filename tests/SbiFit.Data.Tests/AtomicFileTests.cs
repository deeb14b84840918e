namespace SbiFit.Data.Tests;

public class AtomicFileTests
{
    [Fact]
    public void ThrowingWriterLeavesOldFileIntactAndNoTemp()
    {
        using var dir = new TempDir();
        var path = dir.File("out.txt");
        File.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[1000]);
            throw new InvalidOperationException("boom");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task ThrowingAsyncWriterLeavesNoFile()
    {
        using var dir = new TempDir();
        var path = dir.File("new.bin");
        var ex = await Assert.ThrowsAsync<DataException>(() => AtomicFile.WriteAsync(path, async s =>
        {
            await s.WriteAsync(new byte[10]);
            throw new IOException("disk full");
        }));
        Assert.Equal(path, ex.FilePath);
        Assert.Contains("disk full", ex.Message);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void AnOutputThatCannotBeWrittenIsNamed()
    {
        using var dir = new TempDir();
        // A regular file where the output's folder should be.
        var blocker = dir.File("not-a-folder");
        File.WriteAllText(blocker, "keep");
        var path = Path.Combine(blocker, "out.parquet");
        var ex = Assert.Throws<DataException>(() => AtomicFile.WriteAllText(path, "x"));
        Assert.StartsWith($"file '{path}': cannot write the output file", ex.Message);
        Assert.Equal("keep", File.ReadAllText(blocker));
        Assert.Equal(new[] { blocker }, Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void FailedTableWriteKeepsPreviousParquet()
    {
        using var dir = new TempDir();
        var path = dir.File("s.parquet");
        var good = TempDir.Sample();
        EventTableIO.Write(good, path);
        var before = File.ReadAllBytes(path);
        var bad = TempDir.Sample();
        bad.GetColumn(EventSchema.EventId)[3] = 0.5; // not an integer id: the writer throws midway
        Assert.Throws<DataException>(() => EventTableIO.Write(bad, path));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void WritesTextAndCreatesFolder()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "sub", "r.html");
        AtomicFile.WriteAllText(path, "héllo");
        Assert.Equal("héllo", File.ReadAllText(path));
        AtomicFile.WriteAllText(path, "again");
        Assert.Equal("again", File.ReadAllText(path));
    }
}
