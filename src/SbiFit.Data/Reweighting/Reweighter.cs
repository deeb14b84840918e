using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Data.Reweighting;

/// <summary>
/// HAMMER-style reweighting of a generated sample from its stored weight matrices (columns
/// <see cref="WeightMatrixLayout.ColumnNames"/>): w_i(c) = Σ_k a_k(c) W_ik with a = <see cref="WeightMatrixLayout.LinearForm"/>.
/// Normalisation convention (<see cref="NormalisationConvention"/>): w'_i(c) = N · w_i(c) / I(c), I(c) = Σ_i w_i(c),
/// so the weights of a sample average to 1 at every c (the seed's w/I(θ) times the constant N). I(c) is the closed form
/// a(c)·S with S_k = Σ_i W_ik.
/// </summary>
public sealed class Reweighter
{
    /// <summary>Text stored in metadata key <c>weight_normalisation</c>.</summary>
    public const string NormalisationConvention = "weight_i = N * w_i(c) / I(c), w_i(c) = sum_jk c_j c_k* W_jk(x_i), I(c) = sum_i w_i(c) (closed form); mean weight 1";

    private const int Block = 4096; // rows per cache block and per parallel work item
    private readonly double[][] _w;
    private readonly double[] _sums;

    /// <summary>Reads the weight-matrix columns of <paramref name="table"/> (by reference).</summary>
    /// <exception cref="DataException">A w_* column is missing (named), a value is not finite, or the table is empty.</exception>
    public Reweighter(EventTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (string name in WeightMatrixLayout.ColumnNames)
            if (!table.HasColumn(name))
                throw new DataException(
                    "weight-matrix column missing: the file was not produced by 'sbifit generate' (or w_* columns were dropped)",
                    table.Source, name);
        DataValidation.RequireNonEmpty(table);
        DataValidation.RequireFinite(table, WeightMatrixLayout.ColumnNames);
        _w = WeightMatrixLayout.ColumnNames.Select(table.GetColumn).ToArray();
        Count = table.RowCount;
        _sums = _w.Select(PairwiseSum).ToArray();
    }

    /// <summary>Number of events N.</summary>
    public int Count { get; }

    /// <summary>Worker threads for <see cref="RawWeights(WilsonCoefficients, Span{double})"/>; 0 = all cores.</summary>
    public int Threads { get; init; }

    /// <summary>I(c) = Σ_i w_i(c) in closed form.</summary>
    public double Normalisation(WilsonCoefficients c) => Dot(WeightMatrixLayout.LinearForm(c.ToVector()), _sums);

    /// <summary>Un-normalised w_i(c) = c W(x_i) c† (W normalised to W₀₀, so the SM gives 1).</summary>
    public double[] RawWeights(WilsonCoefficients c)
    {
        var dest = new double[Count];
        RawWeights(c, dest);
        return dest;
    }

    /// <summary>Writes w_i(c) into <paramref name="dest"/> (length N); terms with a_k = 0 are skipped.</summary>
    public void RawWeights(WilsonCoefficients c, Span<double> dest)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (dest.Length != Count) throw new ArgumentException($"need {Count} entries", nameof(dest));
        double[] a = WeightMatrixLayout.LinearForm(c.ToVector());
        int[] active = Enumerable.Range(0, a.Length).Where(k => a[k] != 0).ToArray();
        int nBlocks = (Count + Block - 1) / Block;
        unsafe
        {
            fixed (double* d = dest)
            {
                double* dp = d;
                var opts = new ParallelOptions { MaxDegreeOfParallelism = Threads > 0 ? Threads : -1 };
                Parallel.For(0, nBlocks, opts, b =>
                {
                    int start = b * Block, len = Math.Min(Block, Count - start);
                    if (active.Length == 0) new Span<double>(dp + start, len).Clear();
                    else WeightKernels.FusedBlock(_w, a, active, start, len, new Span<double>(dp + start, len));
                });
            }
        }
    }

    /// <summary>Normalised weights N·w_i(c)/I(c) (mean 1).</summary>
    /// <exception cref="DataException">I(c) is not positive (cannot happen for a physical sample).</exception>
    public double[] NormalisedWeights(WilsonCoefficients c)
    {
        double[] w = RawWeights(c);
        double scale = Count / CheckedNormalisation(Normalisation(c), c.ToString());
        foreach (ref double x in w.AsSpan()) x *= scale;
        return w;
    }

    /// <summary>
    /// The seed's parabola: direct sums Σ_i w_i at θ ∈ {−½, 0, ½} along <paramref name="component"/> from
    /// <paramref name="basePoint"/>. It equals the closed form I(c) exactly (W is quadratic in c).
    /// </summary>
    public Parabola ThreePointParabola(WilsonCoefficients basePoint, WcComponent component)
    {
        double SumAt(double theta)
        {
            var w = new double[Count];
            RawWeights(Shift(basePoint, component, theta), w);
            return CompensatedSum.Pairwise(w);
        }
        return Parabola.FromThreePoints(SumAt(-0.5), SumAt(0), SumAt(0.5));
    }

    /// <summary>
    /// Per-event θ drawn uniformly in the box <paramref name="ranges"/> (deterministic: rows in blocks of 4096, block b
    /// uses <c>new Rng(seed, b)</c>), and each event weighted at its own point c_i = base + Σ θ_ij e_j, normalised as
    /// N · w_i(c_i) / I(c_i).
    /// </summary>
    /// <returns>The weights and one θ column per range (same order as <paramref name="ranges"/>).</returns>
    public (double[] Weights, double[][] Thetas) UniformThetaWeights(WilsonCoefficients basePoint,
        IReadOnlyList<UniformThetaRange> ranges, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(basePoint);
        ArgumentNullException.ThrowIfNull(ranges);
        if (ranges.Count == 0) throw new ArgumentException("need at least one theta range", nameof(ranges));
        var dup = ranges.GroupBy(r => r.Component).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new FormatException($"option '--theta-uniform': {dup.Key.Name} given more than once");
        var weights = new double[Count];
        var thetas = ranges.Select(_ => new double[Count]).ToArray();
        Complex[] c0 = basePoint.ToVector();
        int nBlocks = (Count + Block - 1) / Block;
        var opts = new ParallelOptions { MaxDegreeOfParallelism = Threads > 0 ? Threads : -1 };
        Parallel.For(0, nBlocks, opts, b =>
        {
            var rng = new Rng(seed, (ulong)b);
            var c = new Complex[c0.Length];
            int start = b * Block, end = Math.Min(Count, start + Block);
            for (int i = start; i < end; i++)
            {
                c0.CopyTo(c, 0);
                for (int j = 0; j < ranges.Count; j++)
                {
                    double t = rng.Uniform(ranges[j].Lo, ranges[j].Hi);
                    thetas[j][i] = t;
                    ranges[j].Component.Add(c, t);
                }
                double[] a = WeightMatrixLayout.LinearForm(c);
                double w = 0;
                for (int k = 0; k < a.Length; k++) w += a[k] * _w[k][i];
                double norm = Dot(a, _sums);
                weights[i] = Count * w / norm;
            }
        });
        return (weights, thetas);
    }

    /// <summary>basePoint + θ e_component.</summary>
    public static WilsonCoefficients Shift(WilsonCoefficients basePoint, WcComponent component, double theta)
    {
        ArgumentNullException.ThrowIfNull(basePoint);
        Complex[] c = basePoint.ToVector();
        component.Add(c, theta);
        return new WilsonCoefficients(c[0] - 1, c[1], c[2], c[3], c[4]);
    }

    private static double CheckedNormalisation(double norm, string what) =>
        norm > 0 ? norm : throw new DataException($"sum of weights I(c) = {norm} is not positive for {what}");

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++) s += a[k] * b[k];
        return s;
    }

    private static double PairwiseSum(double[] v) => CompensatedSum.Pairwise(v);
}
