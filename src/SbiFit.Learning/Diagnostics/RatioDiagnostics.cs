namespace SbiFit.Learning.Diagnostics;

/// <summary>Binned true marginal ratio p(f|θ)/p(f|0) with its error beside the learned ratio averaged in the same bins.</summary>
public sealed record MarginalRatio(string Feature, double[] BinCentres, double[] TrueRatio, double[] TrueError, double[] LearnedRatio);

/// <summary>ROC curve (NP = signal, SM = background, weighted) and its area.</summary>
public sealed record RocCurve(double[] FalsePositiveRate, double[] TruePositiveRate, double Auc);

/// <summary>Reliability curve: mean predicted s and the observed NP fraction per bin of s (classes normalised to equal weight).</summary>
public sealed record CalibrationCurve(double[] MeanPredicted, double[] ObservedFraction, double[] BinWeight);

/// <summary>
/// Computations behind <c>sbifit diagnose</c>, all on weighted events: every event enters the SM class with w_SM and the
/// NP class with w_NP (the same events, reweighted), as in training.
/// </summary>
public static class RatioDiagnostics
{
    /// <summary>
    /// True marginal ratio in <paramref name="bins"/> equal bins over the feature's range: (Σ_bin w_NP/Σ w_NP) / (Σ_bin w_SM/Σ w_SM),
    /// error from the per-event spread (the sums share events, so the ratio's variance is Σ_bin (w_NP − R w_SM)² / (Σ_bin w_SM)²
    /// times the normalisation²); learned ratio = Σ_bin w_SM r / Σ_bin w_SM with r = exp(logit(x,θ) − logit(x,0)). Empty bins are NaN.
    /// </summary>
    public static MarginalRatio Marginal(string feature, ReadOnlySpan<double> values, ReadOnlySpan<double> wSm,
        ReadOnlySpan<double> wNp, ReadOnlySpan<double> learnedRatio, int bins = 20)
    {
        CheckLengths(values.Length, wSm.Length, wNp.Length, learnedRatio.Length);
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "need at least one bin");
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (double v in values) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (!(hi > lo)) hi = lo + 1;
        double width = (hi - lo) / bins;
        var sm = new double[bins]; var np = new double[bins]; var learned = new double[bins];
        var index = new int[values.Length];
        double totSm = 0, totNp = 0;
        for (int i = 0; i < values.Length; i++)
        {
            int b = Math.Clamp((int)((values[i] - lo) / width), 0, bins - 1);
            index[i] = b;
            sm[b] += wSm[i]; np[b] += wNp[i]; learned[b] += wSm[i] * learnedRatio[i];
            totSm += wSm[i]; totNp += wNp[i];
        }
        var variance = new double[bins];
        for (int i = 0; i < values.Length; i++)
        {
            int b = index[i];
            if (sm[b] <= 0) continue;
            double d = wNp[i] - np[b] / sm[b] * wSm[i];
            variance[b] += d * d;
        }
        double norm = totSm / totNp;
        var centres = new double[bins]; var ratio = new double[bins]; var error = new double[bins]; var learnedMean = new double[bins];
        for (int b = 0; b < bins; b++)
        {
            centres[b] = lo + (b + 0.5) * width;
            bool empty = sm[b] <= 0;
            ratio[b] = empty ? double.NaN : norm * np[b] / sm[b];
            error[b] = empty ? double.NaN : norm * Math.Sqrt(variance[b]) / sm[b];
            learnedMean[b] = empty ? double.NaN : learned[b] / sm[b];
        }
        return new MarginalRatio(feature, centres, ratio, error, learnedMean);
    }

    /// <summary>Weighted ROC of <paramref name="score"/> (higher = more NP-like); ties are one step; AUC by trapezoids.</summary>
    public static RocCurve Roc(ReadOnlySpan<double> score, ReadOnlySpan<double> wSm, ReadOnlySpan<double> wNp)
    {
        CheckLengths(score.Length, wSm.Length, wNp.Length, score.Length);
        var order = Enumerable.Range(0, score.Length).ToArray();
        var keys = score.ToArray();
        Array.Sort(keys, order);
        Array.Reverse(order);
        double totSm = Sum(wSm), totNp = Sum(wNp);
        if (!(totSm > 0) || !(totNp > 0)) throw new ArgumentException("ROC needs positive SM and NP weight sums.");
        var fpr = new List<double> { 0 }; var tpr = new List<double> { 0 };
        double cumSm = 0, cumNp = 0, auc = 0;
        for (int k = 0; k < order.Length;)
        {
            double s = score[order[k]];
            while (k < order.Length && score[order[k]] == s) { cumSm += wSm[order[k]]; cumNp += wNp[order[k]]; k++; }
            double f = cumSm / totSm, t = cumNp / totNp;
            auc += (f - fpr[^1]) * 0.5 * (t + tpr[^1]);
            fpr.Add(f); tpr.Add(t);
        }
        return new RocCurve(fpr.ToArray(), tpr.ToArray(), auc);
    }

    /// <summary>Reliability curve of s = sigmoid(logit) in <paramref name="bins"/> equal bins of [0, 1]; empty bins are dropped.</summary>
    public static CalibrationCurve Calibration(ReadOnlySpan<double> logit, ReadOnlySpan<double> wSm, ReadOnlySpan<double> wNp, int bins = 10)
    {
        CheckLengths(logit.Length, wSm.Length, wNp.Length, logit.Length);
        double totSm = Sum(wSm), totNp = Sum(wNp);
        if (!(totSm > 0) || !(totNp > 0)) throw new ArgumentException("calibration needs positive SM and NP weight sums.");
        var wSum = new double[bins]; var sSum = new double[bins]; var npSum = new double[bins];
        for (int i = 0; i < logit.Length; i++)
        {
            double s = 1 / (1 + Math.Exp(-logit[i]));
            int b = Math.Clamp((int)(s * bins), 0, bins - 1);
            double a = wSm[i] / totSm, c = wNp[i] / totNp; // equal class priors, as in training
            wSum[b] += a + c; sSum[b] += (a + c) * s; npSum[b] += c;
        }
        var keep = Enumerable.Range(0, bins).Where(b => wSum[b] > 0).ToArray();
        return new CalibrationCurve(keep.Select(b => sSum[b] / wSum[b]).ToArray(), keep.Select(b => npSum[b] / wSum[b]).ToArray(),
            keep.Select(b => wSum[b]).ToArray());
    }

    /// <summary>Pearson correlation of two equally long samples (NaN when either is constant).</summary>
    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        CheckLengths(x.Length, y.Length, x.Length, x.Length);
        int n = x.Length;
        double mx = Sum(x) / n, my = Sum(y) / n, sxx = 0, syy = 0, sxy = 0;
        for (int i = 0; i < n; i++) { double a = x[i] - mx, b = y[i] - my; sxx += a * a; syy += b * b; sxy += a * b; }
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    private static double Sum(ReadOnlySpan<double> v)
    {
        double s = 0, c = 0;
        foreach (double x in v) { double y = x - c; double t = s + y; c = (t - s) - y; s = t; }
        return s;
    }

    private static void CheckLengths(int a, int b, int c, int d)
    {
        if (a == 0) throw new ArgumentException("diagnostics need at least one event.");
        if (b != a || c != a || d != a) throw new ArgumentException($"diagnostic inputs differ in length ({a}, {b}, {c}, {d}).");
    }
}
