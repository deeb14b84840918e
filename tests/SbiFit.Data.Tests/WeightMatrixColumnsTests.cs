using SbiFit.Data;
using SbiFit.Physics;

namespace SbiFit.Data.Tests;

public class WeightMatrixColumnsTests
{
    private static EventTable Table(int n)
    {
        var t = new EventTable("sample.parquet");
        for (int k = 0; k < WeightMatrixLayout.PackedLength; k++)
            t.AddColumn(WeightMatrixLayout.ColumnNames[k], Enumerable.Range(0, n).Select(i => 100.0 * i + k).ToArray());
        return t;
    }

    [Fact]
    public void PacksColumnsRowMajor()
    {
        var packed = WeightMatrixColumns.Pack(Table(3));
        Assert.Equal(3 * 25, packed.Length);
        Assert.Equal(207.0, packed[2 * 25 + 7]);
        Assert.True(WeightMatrixColumns.Present(Table(1)));
    }

    [Fact]
    public void MissingOrNonFiniteColumnsAreNamed()
    {
        var t = Table(4);
        t.RemoveColumn("w_im_34");
        Assert.False(WeightMatrixColumns.Present(t));
        Assert.Contains("w_im_34", Assert.Throws<DataException>(() => WeightMatrixColumns.Pack(t)).Message);

        var u = Table(4);
        u.GetColumn("w_re_11")[2] = double.NaN;
        var ex = Assert.Throws<DataException>(() => WeightMatrixColumns.Pack(u));
        Assert.Contains("w_re_11", ex.Message);
        Assert.Contains("sample.parquet", ex.Message);
    }
}

public class FeatureMatrixTests
{
    [Fact]
    public void GatherInterleavesNamedColumnsAndNamesBadValues()
    {
        var t = new EventTable("data.parquet");
        t.AddColumn("a", new[] { 1.0, 2.0 });
        t.AddColumn("b", new[] { 10.0, 20.0 });
        Assert.Equal(new[] { 10f, 1f, 20f, 2f }, FeatureMatrix.Gather(t, new[] { "b", "a" }));
        Assert.Contains("c", Assert.Throws<DataException>(() => FeatureMatrix.Gather(t, new[] { "a", "c" })).Message);
        t.GetColumn("a")[1] = double.PositiveInfinity;
        var ex = Assert.Throws<DataException>(() => FeatureMatrix.Gather(t, new[] { "a" }));
        Assert.Contains("'a'", ex.Message);
        Assert.Contains("row 1", ex.Message);
    }
}
