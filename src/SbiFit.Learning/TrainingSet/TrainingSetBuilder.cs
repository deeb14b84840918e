using SbiFit.Data;
using SbiFit.Physics;

namespace SbiFit.Learning;

/// <summary>Options of <see cref="TrainingSetBuilder.Build"/>.</summary>
public sealed record TrainingSetOptions
{
    /// <summary>Feature columns, in network input order; null = <see cref="EventSchema.Features"/>.</summary>
    public IReadOnlyList<string>? Features { get; init; }
    /// <summary>Optional per-event base weight column (e.g. <c>weight</c>) multiplying w_SM and w_NP; null = 1.</summary>
    public string? BaseWeightColumn { get; init; }
    /// <summary>
    /// Rescale the label-1 weights by one global factor (≈ 1 + O(1/√N)) so that their sum equals the label-0 sum
    /// exactly. The factor shifts every logit by the same constant, which cancels in the ratio s(x,θ)/s(x,0).
    /// </summary>
    public bool ExactClassBalance { get; init; } = true;
}

/// <summary>
/// Turns a reweightable sample (feature columns plus the 25 packed <c>w_re_ij</c>/<c>w_im_ij</c> columns of W(x)/W₀₀(x))
/// into <see cref="TrainingData"/>, normalised as in the seed:
/// w'_SM,i = N·w_SM,i / I(0) and w'_NP,i = N·w(x_i; θ_i) / I(θ_i), where I(θ) = Σ_events w(x; θ) is computed in closed
/// form from the summed packed matrix, θ_i ~ U[lo, hi] per event (or read from <c>theta_&lt;name&gt;</c> columns when
/// present). The factor N makes the weights O(1); for any fixed θ the NP weights then sum to N exactly, like the SM ones.
/// </summary>
public static class TrainingSetBuilder
{
    /// <summary>RNG stream of the θ draws (so the draws do not collide with the trainer's streams of the same seed).</summary>
    public const ulong ThetaStream = 0x7468657461UL;

    /// <summary>Builds the training set; throws <see cref="TrainingDataException"/> or <see cref="DataException"/> naming the problem.</summary>
    public static TrainingData Build(EventTable table, IReadOnlyList<ThetaRange> thetas, ulong seed, TrainingSetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(thetas);
        options ??= new TrainingSetOptions();
        if (thetas.Count == 0) throw new TrainingDataException("at least one theta range is needed (e.g. V_R:-1:1).");
        var features = options.Features ?? EventSchema.Features;
        if (features.Count == 0) throw new TrainingDataException("at least one feature column is needed.");
        string source = table.Source ?? "event table";
        if (table.RowCount == 0) throw new TrainingDataException($"{source} is empty (no events).");
        var missingW = WeightMatrixLayout.ColumnNames.Where(c => !table.HasColumn(c)).ToList();
        if (missingW.Count == WeightMatrixLayout.PackedLength)
            throw new TrainingDataException($"{source} has no weight-matrix columns (w_re_00 ... w_im_34): produce it with " +
                                            "`sbifit generate` (or reweightable output) so SM and NP weights can be computed.");
        if (missingW.Count > 0)
            throw new TrainingDataException($"{source} lacks weight-matrix column(s): {string.Join(", ", missingW)}.");
        var missingF = features.Where(f => !table.HasColumn(f)).ToList();
        if (missingF.Count > 0)
            throw new TrainingDataException($"{source} lacks feature column(s): {string.Join(", ", missingF)} " +
                                            $"(available: {string.Join(", ", table.ColumnNames)}).");

        int n = table.RowCount, nx = features.Count, nt = thetas.Count;
        var names = thetas.Select(t => t.Name).ToArray();
        var basis = new ThetaBasis(names);
        double[] packed = ReadPacked(table, source);
        double[]? baseWeight = null;
        if (options.BaseWeightColumn is { } bw)
        {
            if (!table.TryGetColumn(bw, out var col))
                throw new TrainingDataException($"{source} lacks the base weight column '{bw}'.");
            DataValidation.CheckWeights(col, bw, source);
            baseWeight = col;
        }

        var x = new double[n * nx];
        for (int f = 0; f < nx; f++)
        {
            var col = table.GetColumn(features[f]);
            for (int i = 0; i < n; i++) x[i * nx + f] = col[i];
        }
        var theta = DrawTheta(table, thetas, seed, n);

        // I(θ) = a(θ)·S with S the (base-weighted) sum of the packed matrices: closed form, exact for every θ.
        var summed = new double[WeightMatrixLayout.PackedLength];
        for (int k = 0; k < summed.Length; k++)
        {
            double s = 0, comp = 0; // Kahan: N up to millions of O(1) terms
            for (int i = 0; i < n; i++)
            {
                double y = packed[i * WeightMatrixLayout.PackedLength + k] * (baseWeight?[i] ?? 1.0) - comp;
                double t = s + y; comp = (t - s) - y; s = t;
            }
            summed[k] = s;
        }
        var smForm = basis.LinearForm(new double[nt]);
        double i0 = ThetaBasis.Apply(smForm, summed);
        if (!(i0 > 0) || !double.IsFinite(i0))
            throw new TrainingDataException($"{source}: the SM sum of weights I(0) = {i0} is not positive.");

        var wSm = new double[n];
        var wNp = new double[n];
        for (int i = 0; i < n; i++)
        {
            var packedI = packed.AsSpan(i * WeightMatrixLayout.PackedLength, WeightMatrixLayout.PackedLength);
            double b = baseWeight?[i] ?? 1.0;
            var form = basis.LinearForm(theta.AsSpan(i * nt, nt));
            double iTheta = ThetaBasis.Apply(form, summed);
            if (!(iTheta > 0))
                throw new TrainingDataException($"{source}: the sum of weights I(θ) at θ of event {i} is {iTheta}, not positive.");
            wSm[i] = n * b * ThetaBasis.Apply(smForm, packedI) / i0;
            // w(x;θ) is a non-negative quadratic form; clamp rounding noise of a (near-)zero weight.
            wNp[i] = n * Math.Max(0.0, b * ThetaBasis.Apply(form, packedI)) / iTheta;
        }
        if (options.ExactClassBalance)
        {
            double sumSm = CompensatedSum.Pairwise(wSm), sumNp = CompensatedSum.Pairwise(wNp);
            if (sumNp > 0) { double f = sumSm / sumNp; for (int i = 0; i < n; i++) wNp[i] *= f; }
        }
        return TrainingData.Create(features, names, x, wSm, wNp, theta);
    }

    /// <summary>Reads the 25 packed columns into a row-major [N, 25] array, rejecting non-finite entries.</summary>
    public static double[] ReadPacked(EventTable table, string? source = null)
    {
        try
        {
            return WeightMatrixColumns.Pack(table);
        }
        catch (DataException ex)
        {
            throw new TrainingDataException($"{source ?? table.Source ?? "event table"}: {ex.Message}");
        }
    }

    private static double[] DrawTheta(EventTable table, IReadOnlyList<ThetaRange> thetas, ulong seed, int n)
    {
        int nt = thetas.Count;
        var theta = new double[n * nt];
        var rng = new Rng(seed, ThetaStream);
        var given = thetas.Select(t => table.TryGetColumn(EventSchema.ThetaPrefix + t.Name, out var c) ? c : null).ToArray();
        for (int i = 0; i < n; i++)
            for (int k = 0; k < nt; k++)
            {
                // Draw even when the column exists so the other components do not depend on which columns are present.
                double drawn = thetas[k].Sample(rng);
                theta[i * nt + k] = given[k]?[i] ?? drawn;
            }
        return theta;
    }
}
