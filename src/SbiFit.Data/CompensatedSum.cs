namespace SbiFit.Data;

/// <summary>Double-precision summation for weight and likelihood sums (pairwise, so the error grows like log N).</summary>
public static class CompensatedSum
{
    /// <summary>Pairwise sum of <paramref name="values"/>.</summary>
    public static double Pairwise(ReadOnlySpan<double> values)
    {
        if (values.Length <= 128)
        {
            double s = 0;
            foreach (var v in values) s += v;
            return s;
        }
        int half = values.Length / 2;
        return Pairwise(values[..half]) + Pairwise(values[half..]);
    }
}
