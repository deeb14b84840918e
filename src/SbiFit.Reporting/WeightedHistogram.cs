namespace SbiFit.Reporting;

/// <summary>A fixed-binning weighted histogram used for plotting (contents and sum of squared weights per bin).</summary>
internal sealed class WeightedHistogram
{
    private WeightedHistogram(double[] edges, double[] contents, double[] sumW2)
    {
        Edges = edges;
        Contents = contents;
        SumW2 = sumW2;
    }

    public double[] Edges { get; }
    public double[] Contents { get; }
    public double[] SumW2 { get; }

    /// <summary>Fills <paramref name="bins"/> equal bins on [lo, hi]; hi itself goes into the last bin.</summary>
    public static WeightedHistogram Fill(double[] values, double[]? weights, int bins, double lo, double hi, string label)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "need at least one bin");
        if (weights is not null && weights.Length != values.Length)
            throw new ArgumentException($"series '{label}': {values.Length} values but {weights.Length} weights");
        var edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) edges[i] = lo + (hi - lo) * i / bins;
        var contents = new double[bins];
        var sumW2 = new double[bins];
        double scale = bins / (hi - lo);
        for (int i = 0; i < values.Length; i++)
        {
            double v = values[i];
            double w = weights?[i] ?? 1.0;
            if (!(v >= lo && v <= hi) || !double.IsFinite(w)) continue;
            int b = Math.Min(bins - 1, (int)((v - lo) * scale));
            contents[b] += w;
            sumW2[b] += w * w;
        }
        return new WeightedHistogram(edges, contents, sumW2);
    }

    /// <summary>Scales contents so that the sum of content x bin width is one (no-op for an empty histogram).</summary>
    public void NormaliseToUnitArea()
    {
        double width = Edges[1] - Edges[0];
        double total = 0;
        foreach (var c in Contents) total += c;
        if (total == 0) return;
        double f = 1.0 / (total * width);
        for (int i = 0; i < Contents.Length; i++)
        {
            Contents[i] *= f;
            SumW2[i] *= f * f;
        }
    }

    /// <summary>Plot range: explicit bounds, else the finite min/max of all series (widened when degenerate).</summary>
    public static (double Lo, double Hi) Range(IEnumerable<double[]> series, double? lo, double? hi)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        if (lo is null || hi is null)
            foreach (var s in series)
                foreach (var v in s)
                    if (double.IsFinite(v)) { min = Math.Min(min, v); max = Math.Max(max, v); }
        double l = lo ?? min, h = hi ?? max;
        if (!double.IsFinite(l) || !double.IsFinite(h)) { l = 0; h = 1; }
        if (h < l) throw new ArgumentException($"histogram range is empty: lo = {l} > hi = {h}");
        if (h == l) { l -= 0.5; h += 0.5; }
        return (l, h);
    }
}
