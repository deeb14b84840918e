using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Inference.Templates;

/// <summary>
/// HAMMER-style binned templates: per bin the sum of the events' packed Hermitian matrices W(x)/W₀₀
/// (<see cref="WeightMatrixLayout"/>), so the expected yield for any Wilson coefficients c is one contraction per bin,
/// ν_b(c) = Σ_k a_k(c) T_bk with a = <see cref="WeightMatrixLayout.LinearForm"/>(c). The stored sums already include the
/// optional per-event weight and the overall normalisation <see cref="Scale"/>.
/// MC statistics: <see cref="SumW2"/> is Σ w_e(c_nom)² per bin at the nominal coefficients only (pyhf's staterror model:
/// a constant relative uncertainty δ_b = √SumW2_b / ν_b(c_nom) per bin, used at every c).
/// </summary>
public sealed class TemplateSet
{
    private const int P = WeightMatrixLayout.PackedLength;
    private readonly double[] _matrices;
    private readonly double[] _sumW2;
    private readonly int[] _entries;
    private readonly Complex[] _nominal;

    private TemplateSet(Binning binning, double[] matrices, double[] sumW2, int[] entries, double scale, Complex[] nominal)
    {
        Binning = binning;
        _matrices = matrices;
        _sumW2 = sumW2;
        _entries = entries;
        Scale = scale;
        _nominal = nominal;
    }

    /// <summary>The binning the templates live on.</summary>
    public Binning Binning { get; }

    /// <summary>Number of bins.</summary>
    public int Bins => Binning.TotalBins;

    /// <summary>Per-bin packed matrix sums, [Bins × 25] row-major (scaled).</summary>
    public ReadOnlySpan<double> Matrices => _matrices;

    /// <summary>Per-bin Σ w_e(c_nom)² (scaled²), the MC statistical variance at <see cref="NominalCoefficients"/>.</summary>
    public IReadOnlyList<double> SumW2 => _sumW2;

    /// <summary>Raw number of simulated events per bin.</summary>
    public IReadOnlyList<int> Entries => _entries;

    /// <summary>Factor applied to every event weight (expected yield / SM sum of weights, or 1).</summary>
    public double Scale { get; }

    /// <summary>Coefficients at which <see cref="SumW2"/> was taken (SM unless given).</summary>
    public IReadOnlyList<Complex> NominalCoefficients => _nominal;

    /// <summary>Standard-Model coefficient vector c = (1, 0, 0, 0, 0).</summary>
    public static Complex[] StandardModel() => new Complex[] { 1, 0, 0, 0, 0 };

    /// <summary>
    /// Builds the templates in one parallel pass over fixed chunks (per-chunk accumulators summed in chunk order, so the
    /// result does not depend on the thread count).
    /// </summary>
    /// <param name="binning">The binning.</param>
    /// <param name="observables">Observable columns in <see cref="Templates.Binning.Observables"/> order.</param>
    /// <param name="packedW">Packed matrices, flat [N × 25].</param>
    /// <param name="eventWeights">Optional extra per-event weight (e.g. efficiency, generator weight).</param>
    /// <param name="expectedYield">When given, scale so that the SM total equals this yield.</param>
    /// <param name="nominal">Coefficients for <see cref="SumW2"/> (default SM).</param>
    public static TemplateSet Build(Binning binning, IReadOnlyList<double[]> observables, double[] packedW,
        double[]? eventWeights = null, double? expectedYield = null, Complex[]? nominal = null)
    {
        ArgumentNullException.ThrowIfNull(binning);
        ArgumentNullException.ThrowIfNull(packedW);
        int n = binning.CheckColumns(observables);
        if (packedW.Length != (long)n * P)
            throw new TemplateException($"Templates: packed W has {packedW.Length} values, expected {n} events × {P} = {(long)n * P}.");
        return BuildCore(binning, observables, n, (e, buf) => packedW.AsSpan(e * P, P), eventWeights, expectedYield, nominal);
    }

    /// <summary>As <see cref="Build(Binning, IReadOnlyList{double[]}, double[], double[], double?, Complex[])"/> with
    /// W given as 25 columns in <see cref="WeightMatrixLayout.ColumnNames"/> order.</summary>
    public static TemplateSet Build(Binning binning, IReadOnlyList<double[]> observables, IReadOnlyList<double[]> packedWColumns,
        double[]? eventWeights = null, double? expectedYield = null, Complex[]? nominal = null)
    {
        ArgumentNullException.ThrowIfNull(binning);
        ArgumentNullException.ThrowIfNull(packedWColumns);
        int n = binning.CheckColumns(observables);
        if (packedWColumns.Count != P)
            throw new TemplateException($"Templates: {packedWColumns.Count} weight-matrix columns given, expected {P}.");
        for (int k = 0; k < P; k++)
            if ((packedWColumns[k]?.Length ?? -1) != n)
                throw new TemplateException($"Templates: column '{WeightMatrixLayout.ColumnNames[k]}' has {packedWColumns[k]?.Length} rows, expected {n}.");
        return BuildCore(binning, observables, n, (e, buf) =>
        {
            for (int k = 0; k < P; k++) buf[k] = packedWColumns[k][e];
            return buf;
        }, eventWeights, expectedYield, nominal);
    }

    private delegate ReadOnlySpan<double> RowAccessor(int e, double[] buffer);

    private static TemplateSet BuildCore(Binning binning, IReadOnlyList<double[]> observables, int n, RowAccessor row,
        double[]? eventWeights, double? expectedYield, Complex[]? nominal)
    {
        if (eventWeights is not null && eventWeights.Length != n)
            throw new TemplateException($"Templates: {eventWeights.Length} event weights for {n} events.");
        nominal ??= StandardModel();
        if (nominal.Length != WeightMatrixLayout.Dim)
            throw new TemplateException($"Templates: nominal coefficient vector has length {nominal.Length}, expected {WeightMatrixLayout.Dim}.");
        var aNom = WeightMatrixLayout.LinearForm(nominal);
        int bins = binning.TotalBins;
        var index = binning.BinIndices(observables);

        // Chunk size chosen so that all per-chunk accumulators together stay around 64 MB at most.
        const int minChunk = 1 << 16;
        long perChunk = (long)bins * (P + 2);
        int chunk = (int)Math.Max(minChunk, Math.Min(int.MaxValue, (long)n * perChunk / 8_000_000 + 1));
        int chunks = Math.Max(1, Kernels.ChunkCount(n, chunk));
        var partT = new double[chunks][];
        var partQ = new double[chunks][];
        var partN = new int[chunks][];
        Kernels.ForChunks(n, chunk, (c, start, end) =>
        {
            var t = new double[bins * P];
            var q = new double[bins];
            var cnt = new int[bins];
            var buf = new double[P];
            for (int e = start; e < end; e++)
            {
                var w = row(e, buf);
                double ew = eventWeights?[e] ?? 1.0;
                for (int k = 0; k < P; k++)
                    if (!double.IsFinite(w[k]))
                        throw new TemplateException($"Templates: '{WeightMatrixLayout.ColumnNames[k]}' of event {e} is {w[k]}.");
                if (!double.IsFinite(ew)) throw new TemplateException($"Templates: event weight of event {e} is {ew}.");
                int b = index[e];
                Kernels.AddScaled(t.AsSpan(b * P, P), w, ew);
                double wn = ew * Kernels.Dot(aNom, w);
                q[b] += wn * wn;
                cnt[b]++;
            }
            partT[c] = t;
            partQ[c] = q;
            partN[c] = cnt;
        });

        var matrices = new double[bins * P];
        var sumW2 = new double[bins];
        var entries = new int[bins];
        for (int c = 0; c < chunks; c++) // fixed order: deterministic
        {
            if (partT[c] is null) continue; // n = 0
            for (int i = 0; i < matrices.Length; i++) matrices[i] += partT[c][i];
            for (int b = 0; b < bins; b++) { sumW2[b] += partQ[c][b]; entries[b] += partN[c][b]; }
        }

        double scale = 1.0;
        if (expectedYield is { } yield)
        {
            if (!(yield > 0) || !double.IsFinite(yield)) throw new TemplateException($"Templates: expected yield {yield} must be positive and finite.");
            double smTotal = 0;
            var aSm = WeightMatrixLayout.LinearForm(StandardModel());
            for (int b = 0; b < bins; b++) smTotal += Kernels.Dot(aSm, matrices.AsSpan(b * P, P));
            if (!(smTotal > 0)) throw new TemplateException($"Templates: SM sum of weights is {smTotal}, cannot normalise to a yield.");
            scale = yield / smTotal;
            for (int i = 0; i < matrices.Length; i++) matrices[i] *= scale;
            for (int b = 0; b < bins; b++) sumW2[b] *= scale * scale;
        }
        return new TemplateSet(binning, matrices, sumW2, entries, scale, (Complex[])nominal.Clone());
    }

    /// <summary>Expected yield per bin for coefficients c (length 5).</summary>
    public double[] Expected(ReadOnlySpan<Complex> c)
    {
        var nu = new double[Bins];
        Expected(c, nu);
        return nu;
    }

    /// <summary>Expected yield per bin for coefficients c into <paramref name="nu"/>.</summary>
    public void Expected(ReadOnlySpan<Complex> c, Span<double> nu)
    {
        if (c.Length != WeightMatrixLayout.Dim)
            throw new TemplateException($"Templates: coefficient vector has length {c.Length}, expected {WeightMatrixLayout.Dim}.");
        ExpectedFromLinearForm(WeightMatrixLayout.LinearForm(c), nu);
    }

    /// <summary>ν_b = a · T_b for a precomputed linear form a.</summary>
    internal void ExpectedFromLinearForm(ReadOnlySpan<double> a, Span<double> nu)
    {
        if (nu.Length != Bins) throw new TemplateException($"Templates: output has {nu.Length} bins, expected {Bins}.");
        for (int b = 0; b < nu.Length; b++) nu[b] = Kernels.Dot(a, _matrices.AsSpan(b * P, P));
    }

    /// <summary>g = Σ_b w_b T_b (the packed-space gradient of Σ_b f(ν_b) with w_b = ∂f/∂ν_b).</summary>
    internal void WeightedMatrixSum(ReadOnlySpan<double> w, Span<double> g)
    {
        g.Clear();
        for (int b = 0; b < w.Length; b++)
            if (w[b] != 0) Kernels.AddScaled(g, _matrices.AsSpan(b * P, P), w[b]);
    }

    /// <summary>Relative MC-stat uncertainty δ_b = √SumW2_b / ν_b(c_nom); 0 where the nominal expectation is not positive.</summary>
    public double[] RelativeStatError()
    {
        var nu = Expected(_nominal);
        var d = new double[Bins];
        for (int b = 0; b < d.Length; b++) d[b] = nu[b] > 0 ? Math.Sqrt(_sumW2[b]) / nu[b] : 0.0;
        return d;
    }
}
