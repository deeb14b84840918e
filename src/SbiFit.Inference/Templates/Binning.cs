using SbiFit.Data;

namespace SbiFit.Inference.Templates;

/// <summary>
/// A multi-dimensional rectangular binning of the reconstructed observables. The flat bin index is row-major with
/// the first axis slowest: ((i0·n1 + i1)·n2 + i2)… Construct with <see cref="Default"/>, <see cref="Parse"/> or
/// from explicit <see cref="BinAxis"/> objects.
/// </summary>
public sealed partial class Binning
{
    private readonly BinAxis[] _axes;

    /// <summary>Creates a binning over the given axes (distinct observables, at least one axis).</summary>
    public Binning(IReadOnlyList<BinAxis> axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Count == 0) throw new TemplateException("A binning needs at least one axis.");
        _axes = axes.ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long total = 1;
        foreach (var a in _axes)
        {
            if (!seen.Add(a.Observable)) throw new TemplateException($"Binning: observable '{a.Observable}' appears twice.");
            total *= a.Bins;
            if (total > 50_000_000) throw new TemplateException($"Binning: more than 5e7 bins requested ({total} so far).");
        }
        TotalBins = (int)total;
    }

    /// <summary>The axes in flattening order.</summary>
    public IReadOnlyList<BinAxis> Axes => _axes;

    /// <summary>Product of the per-axis bin counts.</summary>
    public int TotalBins { get; }

    /// <summary>Observable names in axis order (the order columns must be passed in).</summary>
    public IReadOnlyList<string> Observables => _axes.Select(a => a.Observable).ToArray();

    /// <summary>
    /// Physical range used for equal-width and as the outer edges of quantile binnings: q² [0, 10.69] GeV², cosines
    /// [−1, 1], χ [−π, π], M²_miss [−2, 6] GeV² (the reconstructed M²_miss is smeared; tails fold into the edge bins).
    /// </summary>
    public static (double Lower, double Upper) PhysicalRange(string observable) => observable switch
    {
        EventSchema.Q2 => (0.0, 10.69),
        EventSchema.CosThetaD or EventSchema.CosThetaL => (-1.0, 1.0),
        EventSchema.Chi => (-Math.PI, Math.PI),
        EventSchema.M2Miss => (-2.0, 6.0),
        _ => throw new TemplateException(
            $"Binning: unknown observable '{observable}'; known: {string.Join(", ", EventSchema.Features)}."),
    };

    /// <summary><paramref name="bins"/> equal-width bins over the physical range of the observable.</summary>
    public static BinAxis EqualWidth(string observable, int bins)
    {
        var (lo, hi) = PhysicalRange(observable);
        return EqualWidth(observable, bins, lo, hi);
    }

    /// <summary><paramref name="bins"/> equal-width bins over [lower, upper].</summary>
    public static BinAxis EqualWidth(string observable, int bins, double lower, double upper)
    {
        if (bins < 1) throw new TemplateException($"Binning of '{observable}': bin count must be at least 1, got {bins}.");
        var edges = new double[bins + 1];
        for (int i = 0; i <= bins; i++) edges[i] = lower + (upper - lower) * i / bins;
        edges[bins] = upper; // exact last edge
        return new BinAxis(observable, edges);
    }

    /// <summary>
    /// Bins holding equal weighted fractions of a (SM) sample; the outer edges are the physical range. Throws when the
    /// sample cannot give distinct edges (too many bins for a discrete sample).
    /// </summary>
    public static BinAxis Quantile(string observable, int bins, ReadOnlySpan<double> values, ReadOnlySpan<double> weights = default)
    {
        if (bins < 1) throw new TemplateException($"Quantile binning of '{observable}': bin count must be at least 1, got {bins}.");
        if (values.Length == 0) throw new TemplateException($"Quantile binning of '{observable}': the sample is empty.");
        if (!weights.IsEmpty && weights.Length != values.Length)
            throw new TemplateException($"Quantile binning of '{observable}': {weights.Length} weights for {values.Length} values.");
        var (lo, hi) = PhysicalRange(observable);
        var x = values.ToArray();
        var w = weights.IsEmpty ? Enumerable.Repeat(1.0, x.Length).ToArray() : weights.ToArray();
        for (int i = 0; i < x.Length; i++)
        {
            if (double.IsNaN(x[i])) throw new TemplateException($"Quantile binning of '{observable}': value {i} is NaN.");
            if (!(w[i] >= 0) || !double.IsFinite(w[i]))
                throw new TemplateException($"Quantile binning of '{observable}': weight {i} = {w[i]} must be finite and >= 0.");
        }
        Array.Sort(x, w);
        double total = 0;
        foreach (var wi in w) total += wi;
        if (!(total > 0)) throw new TemplateException($"Quantile binning of '{observable}': total sample weight is zero.");

        var edges = new double[bins + 1];
        edges[0] = lo;
        edges[bins] = hi;
        double cum = 0;
        int j = 0;
        for (int k = 1; k < bins; k++)
        {
            double target = total * k / bins;
            while (j < x.Length - 1 && cum + w[j] < target) cum += w[j++];
            edges[k] = x[j];
            if (!(edges[k] > edges[k - 1]) || !(edges[k] < hi))
                throw new TemplateException(
                    $"Quantile binning of '{observable}': {bins} bins give coinciding edges at {edges[k]} (sample too small or " +
                    $"outside the physical range [{lo}, {hi}]); use fewer bins or explicit edges.");
        }
        return new BinAxis(observable, edges);
    }

    /// <summary>The seed's binning: 4 equal-width q² bins, 5 each in cos θ_D, cos θ_ℓ, χ and M²_miss edges
    /// [−2, −0.5, 0, 0.5, 2, 6] GeV² (2500 bins).</summary>
    public static Binning Default() => new(new[]
    {
        EqualWidth(EventSchema.Q2, 4),
        EqualWidth(EventSchema.CosThetaD, 5),
        EqualWidth(EventSchema.CosThetaL, 5),
        EqualWidth(EventSchema.Chi, 5),
        new BinAxis(EventSchema.M2Miss, DefaultM2MissEdges),
    });

    private static readonly double[] DefaultM2MissEdges = { -2.0, -0.5, 0.0, 0.5, 2.0, 6.0 };

    /// <summary>Flat bin index of one event, values given in axis order.</summary>
    public int BinIndex(ReadOnlySpan<double> values)
    {
        if (values.Length != _axes.Length)
            throw new TemplateException($"Binning: {values.Length} values given for {_axes.Length} axes ({string.Join(", ", Observables)}).");
        int idx = 0;
        for (int a = 0; a < _axes.Length; a++) idx = idx * _axes[a].Bins + _axes[a].Index(values[a]);
        return idx;
    }

    /// <summary>Flat bin index per event; <paramref name="columns"/> are the observables in axis order.</summary>
    public int[] BinIndices(IReadOnlyList<double[]> columns)
    {
        int n = CheckColumns(columns);
        var result = new int[n];
        Kernels.ForChunks(n, 1 << 15, (_, start, end) => FillChunk(columns, result, start, end));
        return result;
    }

    private void FillChunk(IReadOnlyList<double[]> columns, int[] result, int start, int end)
    {
        result.AsSpan(start, end - start).Clear();
        for (int a = 0; a < _axes.Length; a++)
        {
            var axis = _axes[a];
            var col = columns[a];
            int nb = axis.Bins;
            for (int e = start; e < end; e++)
            {
                if (double.IsNaN(col[e])) throw new TemplateException($"Column '{axis.Observable}': row {e} is NaN, cannot assign a bin.");
                result[e] = result[e] * nb + axis.Index(col[e]);
            }
        }
    }

    /// <summary>Flat bin index per event, looking the observables up by column name.</summary>
    public int[] BinIndices(IReadOnlyDictionary<string, double[]> columns) => BinIndices(SelectColumns(columns));

    /// <summary>Weighted histogram (unit weights when <paramref name="weights"/> is null), e.g. observed counts.</summary>
    public double[] Histogram(IReadOnlyList<double[]> columns, ReadOnlySpan<double> weights = default)
    {
        var idx = BinIndices(columns);
        if (!weights.IsEmpty && weights.Length != idx.Length)
            throw new TemplateException($"Histogram: {weights.Length} weights for {idx.Length} events.");
        var h = new double[TotalBins];
        for (int e = 0; e < idx.Length; e++)
        {
            double w = weights.IsEmpty ? 1.0 : weights[e];
            if (!double.IsFinite(w)) throw new TemplateException($"Histogram: weight of event {e} is {w}.");
            h[idx[e]] += w;
        }
        return h;
    }

    /// <summary>Picks this binning's observables out of a name → column map, in axis order.</summary>
    public IReadOnlyList<double[]> SelectColumns(IReadOnlyDictionary<string, double[]> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        return _axes.Select(a => columns.TryGetValue(a.Observable, out var c)
            ? c
            : throw new TemplateException($"Binning: column '{a.Observable}' is missing (have: {string.Join(", ", columns.Keys)}).")).ToArray();
    }

    /// <summary>Checks the column count and equal lengths; returns the number of events.</summary>
    internal int CheckColumns(IReadOnlyList<double[]> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count != _axes.Length)
            throw new TemplateException($"Binning: {columns.Count} columns given for {_axes.Length} axes ({string.Join(", ", Observables)}).");
        int n = columns[0]?.Length ?? throw new TemplateException($"Binning: column '{_axes[0].Observable}' is null.");
        for (int a = 1; a < columns.Count; a++)
            if ((columns[a]?.Length ?? -1) != n)
                throw new TemplateException($"Binning: column '{_axes[a].Observable}' has {columns[a]?.Length} rows, '{_axes[0].Observable}' has {n}.");
        return n;
    }

    /// <summary>Spec string with explicit edges for every axis; <see cref="Parse"/> reads it back to the same binning.</summary>
    public string ToSpec() => string.Join(";", _axes.Select(a => a.ToSpec()));
}
