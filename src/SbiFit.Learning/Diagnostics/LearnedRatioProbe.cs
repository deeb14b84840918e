using SbiFit.Data;

namespace SbiFit.Learning.Diagnostics;

/// <summary>All diagnostics of one θ point.</summary>
public sealed record ThetaDiagnostics(double[] Theta, string Label, IReadOnlyList<MarginalRatio> Marginals, RocCurve Roc,
    CalibrationCurve Calibration, double[] LearnedLogRatio, double[] ExactLogRatio, double Correlation);

/// <summary>
/// The seed's "probing the learned likelihood ratio" on a reweightable sample (features + packed W columns), for a model
/// whose θ inputs are Wilson coefficients: the exact per-event log-ratio log[w(x;θ)/I(θ)] − log[w(x;0)/I(0)] is known
/// from the weight matrix, the learned one is logit(x,θ) − logit(x,0).
/// </summary>
public static class LearnedRatioProbe
{
    /// <summary>
    /// Runs every diagnostic at each θ (components in the model's θ order). <paramref name="features"/> is row-major
    /// [N, n_x] in the model's feature order. Throws <see cref="TrainingDataException"/> for unusable input.
    /// </summary>
    public static IReadOnlyList<ThetaDiagnostics> Run(ILogitModel model, EventTable table, float[] features,
        IReadOnlyList<double[]> thetas, int bins = 20)
    {
        int n = table.RowCount, nx = model.FeatureNames.Count, nt = model.ThetaNames.Count;
        if (n == 0) throw new TrainingDataException($"{table.Source ?? "event table"} is empty (no events).");
        if (features.Length != n * nx) throw new TrainingDataException($"features have {features.Length} values, expected {n} x {nx}.");
        var basis = new ThetaBasis(model.ThetaNames);
        var packed = TrainingSetBuilder.ReadPacked(table);
        var summed = new double[25];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < 25; k++) summed[k] += packed[i * 25 + k];
        var smForm = basis.LinearForm(new double[nt]);
        double i0 = ThetaBasis.Apply(smForm, summed);
        var wSm = new double[n];
        for (int i = 0; i < n; i++) wSm[i] = ThetaBasis.Apply(smForm, packed.AsSpan(i * 25, 25)) / i0;
        var logit0 = Logits(model, features, new double[nt], n);

        var results = new List<ThetaDiagnostics>();
        foreach (var theta in thetas)
        {
            if (theta.Length != nt) throw new TrainingDataException($"theta point has {theta.Length} components, the model has {nt}.");
            var form = basis.LinearForm(theta);
            double iTheta = ThetaBasis.Apply(form, summed);
            var wNp = new double[n];
            var exact = new List<double>(n); var learnedLog = new List<double>(n);
            var ratio = new double[n];
            var logit = Logits(model, features, theta, n);
            for (int i = 0; i < n; i++)
            {
                wNp[i] = Math.Max(0, ThetaBasis.Apply(form, packed.AsSpan(i * 25, 25))) / iTheta;
                double lr = (double)logit[i] - logit0[i];
                ratio[i] = Math.Exp(lr);
                if (wNp[i] > 0 && wSm[i] > 0) { exact.Add(Math.Log(wNp[i] / wSm[i])); learnedLog.Add(lr); }
            }
            var marginals = new List<MarginalRatio>();
            var column = new double[n];
            for (int f = 0; f < nx; f++)
            {
                for (int i = 0; i < n; i++) column[i] = features[i * nx + f];
                marginals.Add(RatioDiagnostics.Marginal(model.FeatureNames[f], column, wSm, wNp, ratio, bins));
            }
            var score = logit.Select(v => (double)v).ToArray();
            var exactArr = exact.ToArray(); var learnedArr = learnedLog.ToArray();
            string label = string.Join(",", model.ThetaNames.Select((name, k) => FormattableString.Invariant($"{name}={theta[k]}")));
            results.Add(new ThetaDiagnostics(theta.ToArray(), label, marginals, RatioDiagnostics.Roc(score, wSm, wNp),
                RatioDiagnostics.Calibration(score, wSm, wNp), learnedArr, exactArr,
                exactArr.Length > 1 ? RatioDiagnostics.Pearson(learnedArr, exactArr) : double.NaN));
        }
        return results;
    }

    private static float[] Logits(ILogitModel model, float[] x, double[] theta, int n)
    {
        int nt = theta.Length;
        var t = new float[n * nt];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < nt; k++) t[i * nt + k] = (float)theta[k];
        var logits = new float[n];
        model.Logits(x, t, n, logits);
        return logits;
    }
}
