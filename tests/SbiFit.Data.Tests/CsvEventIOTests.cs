namespace SbiFit.Data.Tests;

public class CsvEventIOTests
{
    [Fact]
    public void RoundTripKeepsValuesBitwiseAndMetadata()
    {
        using var dir = new TempDir();
        var t = TempDir.Sample();
        t.GetColumn("chi")[0] = double.NaN;
        t.GetColumn("chi")[1] = double.NegativeInfinity;
        t.GetColumn("chi")[2] = 5e-324;
        t.GetColumn("chi")[3] = -0.1;
        var path = dir.File("s.csv");
        EventTableIO.Write(t, path);
        TempDir.AssertSame(t, EventTableIO.Read(path));
        var text = File.ReadAllText(path);
        Assert.StartsWith("# config=", text);
        Assert.Contains("\nq2,cos_theta_d,", text);
    }

    [Fact]
    public void ReadsHandWrittenFileWithCommentsAndSpaces()
    {
        using var dir = new TempDir();
        var path = dir.File("h.csv");
        File.WriteAllText(path, "# seed = 7\n# just a comment\n q2 , \"chi\"\n1.5, -2\n\n3e-1,4\n");
        var t = EventTableIO.Read(path);
        Assert.Equal(new[] { 1.5, 0.3 }, t.GetColumn("q2"));
        Assert.Equal(new[] { -2.0, 4 }, t.GetColumn("chi"));
        Assert.Equal("7", t.Metadata["seed"]);
    }

    [Theory]
    [InlineData("a,b\n1,2\n3\n", "line 3", "1 fields but the header has 2")]
    [InlineData("a,b\n1,2\n3,4,5\n", "line 3", "more than the header's 2 fields")]
    [InlineData("# m=1\na,b\n1,2\n3,x7\n", "line 4", "column 'b'")]
    [InlineData("a,b\n1,2\n3,1.5.2\n", "cannot parse '1.5.2'", "column 'b'")]
    [InlineData("a,b\n1,2,\n", "line 2", "more than")]
    [InlineData("a,a\n1,2\n", "duplicate column name", "'a'")]
    [InlineData("# only=comments\n", "no header", "")]
    public void MalformedCsvNamesFileLineAndColumn(string content, string part1, string part2)
    {
        using var dir = new TempDir();
        var path = dir.File("bad.csv");
        File.WriteAllText(path, content);
        var e = Assert.Throws<DataException>(() => EventTableIO.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(part1, e.Message);
        Assert.Contains(part2, e.Message);
    }

    [Fact]
    public void CommaDecimalIsRejectedNotMisread()
    {
        using var dir = new TempDir();
        var path = dir.File("de.csv");
        File.WriteAllText(path, "a\n1,5\n");
        Assert.Throws<DataException>(() => EventTableIO.Read(path));
    }

    [Fact]
    public void MissingColumnAndNonFiniteChecksApplyToCsv()
    {
        using var dir = new TempDir();
        var path = dir.File("c.csv");
        File.WriteAllText(path, "q2,chi\n1,NaN\n");
        var e = Assert.Throws<DataException>(() => EventTableIO.Read(path, new EventReadOptions { RequiredColumns = new[] { "q2", "m2_miss" } }));
        Assert.Contains("'m2_miss'", e.Message);
        var e2 = Assert.Throws<DataException>(() => EventTableIO.Read(path, new EventReadOptions { FiniteColumns = new[] { "chi" } }));
        Assert.Contains("'chi'", e2.Message);
        Assert.Contains("row 0", e2.Message);
    }

    [Fact]
    public void UnwritableColumnNameRejected()
    {
        using var dir = new TempDir();
        var t = new EventTable();
        t.AddColumn("a,b", new[] { 1.0 });
        Assert.Throws<DataException>(() => EventTableIO.Write(t, dir.File("x.csv")));
        Assert.False(File.Exists(dir.File("x.csv")));
    }
}
