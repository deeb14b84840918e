using Parquet;
using Parquet.Schema;

namespace SbiFit.Data.Tests;

public class ParquetEventIOTests
{
    [Fact]
    public void RoundTripKeepsValuesBitwiseAndMetadata()
    {
        using var dir = new TempDir();
        var table = TempDir.Sample();
        table.GetColumn("q2")[5] = double.NaN; // NaN survives when not checked
        var path = dir.File("s.parquet");
        EventTableIO.Write(table, path);
        var back = EventTableIO.Read(path);
        TempDir.AssertSame(table, back);
        Assert.Equal(path, back.Source);
    }

    [Fact]
    public void CompressedRoundTrip()
    {
        using var dir = new TempDir();
        var table = TempDir.Sample();
        ParquetEventIO.Write(table, dir.File("z.parquet"), compress: true);
        TempDir.AssertSame(table, ParquetEventIO.Read(dir.File("z.parquet")));
    }

    [Fact]
    public void MultipleRowGroupsAndEmptyTableRoundTrip()
    {
        using var dir = new TempDir();
        var big = new EventTable();
        int n = ParquetEventIO.RowGroupSize + 17;
        big.AddColumn("x", Enumerable.Range(0, n).Select(i => i * 0.5).ToArray());
        EventTableIO.Write(big, dir.File("big.parquet"));
        var back = EventTableIO.Read(dir.File("big.parquet"));
        Assert.Equal(big.GetColumn("x"), back.GetColumn("x"));

        var empty = new EventTable();
        empty.AddColumn("x", Array.Empty<double>());
        EventTableIO.Write(empty, dir.File("empty.parquet"));
        var e2 = EventTableIO.Read(dir.File("empty.parquet"));
        Assert.Equal(new[] { "x" }, e2.ColumnNames);
        Assert.Equal(0, e2.RowCount);
    }

    [Fact]
    public void WriteIsDeterministic()
    {
        using var dir = new TempDir();
        var t = TempDir.Sample();
        EventTableIO.Write(t, dir.File("a.parquet"));
        // Same content, metadata inserted in another order.
        var t2 = TempDir.Sample();
        var meta = t2.Metadata.Reverse().ToList();
        t2.Metadata.Clear();
        foreach (var kv in meta) t2.Metadata[kv.Key] = kv.Value;
        EventTableIO.Write(t2, dir.File("b.parquet"));
        Assert.Equal(File.ReadAllBytes(dir.File("a.parquet")), File.ReadAllBytes(dir.File("b.parquet")));
    }

    [Fact]
    public void SubsetOfColumnsInRequestedOrder()
    {
        using var dir = new TempDir();
        EventTableIO.Write(TempDir.Sample(), dir.File("s.parquet"));
        var t = EventTableIO.Read(dir.File("s.parquet"), new EventReadOptions { Columns = new[] { "chi", "q2" } });
        Assert.Equal(new[] { "chi", "q2" }, t.ColumnNames);
    }

    [Fact]
    public void MissingFileNamesIt()
    {
        var e = Assert.Throws<DataException>(() => EventTableIO.Read("/nonexistent/dir/events.parquet"));
        Assert.Contains("/nonexistent/dir/events.parquet", e.Message);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void MissingRequiredColumnNamesFileColumnAndSuggestion()
    {
        using var dir = new TempDir();
        var t = TempDir.Sample();
        t.RemoveColumn("m2_miss");
        t.AddColumn("M2_miss", new double[t.RowCount]); // misnamed
        var path = dir.File("s.parquet");
        EventTableIO.Write(t, path);
        var e = Assert.Throws<DataException>(() =>
            EventTableIO.Read(path, new EventReadOptions { RequiredColumns = EventSchema.Features }));
        Assert.Contains(path, e.Message);
        Assert.Contains("'m2_miss' (did you mean 'M2_miss'?)", e.Message);
        Assert.Equal("m2_miss", e.Column);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void NonFiniteRejectedWithColumnAndRow(double bad, string shown)
    {
        using var dir = new TempDir();
        var t = TempDir.Sample();
        t.GetColumn("cos_theta_l")[17] = bad;
        t.GetColumn("cos_theta_l")[30] = bad;
        var path = dir.File("s.parquet");
        EventTableIO.Write(t, path);
        var e = Assert.Throws<DataException>(() =>
            EventTableIO.Read(path, new EventReadOptions { FiniteColumns = EventSchema.Features }));
        Assert.Contains(path, e.Message);
        Assert.Contains("'cos_theta_l'", e.Message);
        Assert.Contains("row 17", e.Message);
        Assert.Contains(shown, e.Message);
        Assert.Throws<DataException>(() => EventTableIO.Read(path, new EventReadOptions { RequireAllFinite = true }));
    }

    [Fact]
    public async Task IntFloatAndNullableColumnsAreConvertedToDouble()
    {
        using var dir = new TempDir();
        var path = dir.File("mixed.parquet");
        var fi = new DataField<int>("i");
        var ff = new DataField<float>("f");
        var fn = new DataField<double?>("n");
        await using (var fs = File.Create(path))
        await using (var w = await ParquetWriter.CreateAsync(new ParquetSchema(fi, ff, fn), fs))
        {
            using var g = w.CreateRowGroup();
            await g.WriteAsync<int>(fi, new[] { 1, -2, 3 });
            await g.WriteAsync<float>(ff, new[] { 0.5f, 1.25f, -3f });
            await g.WriteAsync<double>(fn, new double?[] { 1.5, null, 2.5 });
        }
        var t = EventTableIO.Read(path);
        Assert.Equal(new[] { 1.0, -2, 3 }, t.GetColumn("i"));
        Assert.Equal(new[] { 0.5, 1.25, -3 }, t.GetColumn("f"));
        Assert.True(double.IsNaN(t.GetColumn("n")[1]));
        var e = Assert.Throws<DataException>(() => EventTableIO.Read(path, new EventReadOptions { FiniteColumns = new[] { "n" } }));
        Assert.Contains("row 1", e.Message);
    }

    [Fact]
    public async Task StringColumnRejectedNamingColumn()
    {
        using var dir = new TempDir();
        var path = dir.File("str.parquet");
        var fq = new DataField<double>("q2");
        var fs2 = new DataField<string>("chi");
        await using (var fs = File.Create(path))
        await using (var w = await ParquetWriter.CreateAsync(new ParquetSchema(fq, fs2), fs))
        {
            using var g = w.CreateRowGroup();
            await g.WriteAsync<double>(fq, new[] { 1.0 });
            await g.WriteAsync(fs2, new[] { "oops" });
        }
        var e = Assert.Throws<DataException>(() => EventTableIO.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("'chi'", e.Message);
        Assert.True(e.Message.Contains("string"), e.Message);
        // Not loading the bad column is fine.
        Assert.Equal(new[] { 1.0 }, EventTableIO.Read(path, new EventReadOptions { Columns = new[] { "q2" } }).GetColumn("q2"));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.97)]
    public void TruncatedFileIsNotValidParquet(double keep)
    {
        using var dir = new TempDir();
        var good = dir.File("good.parquet");
        EventTableIO.Write(TempDir.Sample(), good);
        var bytes = File.ReadAllBytes(good);
        var bad = dir.File("bad.parquet");
        File.WriteAllBytes(bad, bytes[..(int)(bytes.Length * keep)]);
        var e = Assert.Throws<DataException>(() => EventTableIO.Read(bad));
        Assert.Contains(bad, e.Message);
        Assert.Contains("not a valid Parquet file", e.Message);
    }

    [Fact]
    public void TextFileWithParquetExtensionIsNotValidParquet()
    {
        using var dir = new TempDir();
        var bad = dir.File("text.parquet");
        File.WriteAllText(bad, "q2,chi\n1,2\n");
        var e = Assert.Throws<DataException>(() => EventTableIO.Read(bad));
        Assert.Contains("not a valid Parquet file", e.Message);
    }

    [Fact]
    public void UnknownExtensionIsRejected()
    {
        var e = Assert.Throws<DataException>(() => EventTableIO.Write(TempDir.Sample(), "/tmp/x.root"));
        Assert.Contains("unknown file extension '.root'", e.Message);
    }
}
