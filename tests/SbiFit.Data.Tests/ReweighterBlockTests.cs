using System.Numerics;
using SbiFit.Data.Reweighting;
using SbiFit.Physics;

namespace SbiFit.Data.Tests;

/// <summary>The cache-blocked, grouped Vector256 contraction of <see cref="Reweighter.RawWeights(WilsonCoefficients, Span{double})"/>.</summary>
public class ReweighterBlockTests
{
    [Theory]
    [InlineData("V_R=0.5")]                                                   // 3 active terms: one padded group
    [InlineData("V_R=0.3-0.2i,T_L=0.1")]                                      // several groups, last one padded
    [InlineData("V_L=0.1,V_R=0.2-0.1i,S_L=0.1i,S_R=-0.2,T_L=0.05+0.02i")]      // all 25 terms
    public void EveryRowEqualsThePerEventContractionForAnyThreadCount(string wc)
    {
        // Odd row count (two blocks plus a ragged tail) and arbitrary matrix entries, so every code path is hit.
        const int rows = 4096 * 2 + 1237;
        var rng = new Rng(5, 1);
        var table = new EventTable();
        var cols = new double[WeightMatrixLayout.PackedLength][];
        for (int k = 0; k < cols.Length; k++)
        {
            cols[k] = new double[rows];
            for (int i = 0; i < rows; i++) cols[k][i] = k == 0 ? 1 : rng.Uniform(-1, 1);
            table.AddColumn(WeightMatrixLayout.ColumnNames[k], cols[k]);
        }
        var c = WilsonCoefficients.Parse(wc);
        Complex[] cv = c.ToVector();
        double[] one = new Reweighter(table) { Threads = 1 }.RawWeights(c);
        double[] two = new Reweighter(table) { Threads = 2 }.RawWeights(c);
        Assert.Equal(one, two); // bit-identical: the per-row summation order does not depend on threads
        var packed = new double[WeightMatrixLayout.PackedLength];
        for (int i = 0; i < rows; i++)
        {
            for (int k = 0; k < packed.Length; k++) packed[k] = cols[k][i];
            double expected = WeightMatrixLayout.Contract(packed, cv);
            Assert.True(Math.Abs(one[i] - expected) <= 1e-13 * (1 + Math.Abs(expected)), $"row {i}: {one[i]} vs {expected}");
        }
    }
}
