namespace SbiFit.Data.Tests;

public class EventTableTests
{
    private static EventTable Abc(string? source = null)
    {
        var t = new EventTable(source);
        t.AddColumn("a", new[] { 1.0, 2, 3, 4 });
        t.AddColumn("b", new[] { 10.0, 20, 30, 40 });
        t.Metadata["k"] = "v";
        return t;
    }

    [Fact]
    public void ColumnsKeepOrderAndRowCount()
    {
        var t = Abc();
        Assert.Equal(new[] { "a", "b" }, t.ColumnNames);
        Assert.Equal(4, t.RowCount);
        Assert.True(t.HasColumn("a"));
        Assert.False(t.HasColumn("A"));
    }

    [Fact]
    public void AddColumnWithWrongLengthThrowsNamingColumn()
    {
        var t = Abc("x.parquet");
        var e = Assert.Throws<DataException>(() => t.AddColumn("c", new double[3]));
        Assert.Contains("'c'", e.Message);
        Assert.Contains("3 rows", e.Message);
        Assert.Contains("x.parquet", e.Message);
        Assert.Throws<DataException>(() => t.AddColumn("a", new double[4]));
    }

    [Fact]
    public void SetColumnReplaces()
    {
        var t = Abc();
        t.SetColumn("a", new[] { 9.0, 9, 9, 9 });
        Assert.Equal(9.0, t.GetColumn("a")[2]);
        Assert.Throws<DataException>(() => t.SetColumn("a", new double[2]));
        Assert.True(t.RemoveColumn("a"));
        Assert.Equal(new[] { "b" }, t.ColumnNames);
    }

    [Fact]
    public void GetMissingColumnNamesFileColumnAndAvailable()
    {
        var t = Abc("/data/sample.parquet");
        var e = Assert.Throws<DataException>(() => t.GetColumn("B"));
        Assert.Contains("/data/sample.parquet", e.Message);
        Assert.Contains("'B'", e.Message);
        Assert.Contains("available columns: a, b", e.Message);
        Assert.Contains("did you mean 'b'", e.Message);
        Assert.Equal("B", e.Column);
    }

    [Fact]
    public void SelectByMaskAndRowsCopies()
    {
        var t = Abc();
        var m = t.Select(new[] { true, false, true, false });
        Assert.Equal(new[] { 1.0, 3 }, m.GetColumn("a"));
        Assert.Equal(new[] { 10.0, 30 }, m.GetColumn("b"));
        Assert.Equal("v", m.Metadata["k"]);
        var r = t.Select(new[] { 3, 3, 0 });
        Assert.Equal(new[] { 4.0, 4, 1 }, r.GetColumn("a"));
        r.GetColumn("a")[0] = -1;
        Assert.Equal(4.0, t.GetColumn("a")[3]);
        Assert.Throws<DataException>(() => t.Select(new[] { 4 }));
        Assert.Throws<DataException>(() => t.Select(new[] { true }));
    }

    [Fact]
    public void SliceAndConcatRoundTrip()
    {
        var t = Abc();
        var joined = EventTable.Concat(new[] { t.Slice(0, 1), t.Slice(1, 3) });
        Assert.Equal(t.GetColumn("a"), joined.GetColumn("a"));
        Assert.Equal(t.GetColumn("b"), joined.GetColumn("b"));
        Assert.Throws<DataException>(() => t.Slice(2, 3));
    }

    [Fact]
    public void ConcatWithDifferentColumnsNamesTheColumn()
    {
        var other = new EventTable("other.csv");
        other.AddColumn("a", new[] { 1.0 });
        other.AddColumn("c", new[] { 1.0 });
        var e = Assert.Throws<DataException>(() => EventTable.Concat(new[] { Abc("first.csv"), other }));
        Assert.Contains("other.csv", e.Message);
        Assert.Contains("'b'", e.Message);
    }
}
