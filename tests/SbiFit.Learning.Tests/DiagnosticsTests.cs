using SbiFit.Learning.Diagnostics;
using SbiFit.Physics;

namespace SbiFit.Learning.Tests;

public class DiagnosticsTests
{
    [Fact]
    public void IdenticalClassesGiveAucOneHalfAndSeparatedClassesOne()
    {
        var rng = new Rng(1, 0);
        int n = 1000;
        var score = Enumerable.Range(0, n).Select(_ => rng.NextGaussian()).ToArray();
        var w = Enumerable.Range(0, n).Select(_ => rng.Uniform(0.5, 2)).ToArray();
        Assert.Equal(0.5, RatioDiagnostics.Roc(score, w, w).Auc, 12);

        var sm = score.Select(s => s < 0 ? 1.0 : 0.0).ToArray();
        var np = score.Select(s => s < 0 ? 0.0 : 1.0).ToArray();
        Assert.Equal(1.0, RatioDiagnostics.Roc(score, sm, np).Auc, 12);
        Assert.Equal(0.0, RatioDiagnostics.Roc(score.Select(s => -s).ToArray(), sm, np).Auc, 12);
    }

    [Fact]
    public void GaussianShiftAucMatchesClosedForm()
    {
        // SM events N(0,1), NP events N(d,1), score = x: AUC = Phi(d / sqrt 2).
        var rng = new Rng(2, 0);
        int n = 40_000; double d = 1.0;
        var x = new double[2 * n]; var sm = new double[2 * n]; var np = new double[2 * n];
        for (int i = 0; i < n; i++) { x[i] = rng.NextGaussian(); sm[i] = 1; x[n + i] = d + rng.NextGaussian(); np[n + i] = 1; }
        double expected = 0.7602499389065233; // Phi(1/sqrt 2)
        Assert.Equal(expected, RatioDiagnostics.Roc(x, sm, np).Auc, 0.006);

        // The exact log-ratio logit d x − d²/2 is calibrated: observed NP fraction equals the prediction.
        var logit = x.Select(v => d * v - d * d / 2).ToArray();
        var cal = RatioDiagnostics.Calibration(logit, sm, np, 10);
        for (int b = 0; b < cal.MeanPredicted.Length; b++)
            if (cal.BinWeight[b] > 0.02) Assert.Equal(cal.MeanPredicted[b], cal.ObservedFraction[b], 0.03);
    }

    [Fact]
    public void MarginalRatioOfALinearReweighting()
    {
        // x ~ U[0,1], NP weight 2x: the true marginal ratio is 2x; a learned ratio equal to 2x matches it.
        var rng = new Rng(3, 0);
        int n = 50_000;
        var x = Enumerable.Range(0, n).Select(_ => rng.NextDouble()).ToArray();
        var sm = Enumerable.Repeat(1.0, n).ToArray();
        var np = x.Select(v => 2 * v).ToArray();
        var m = RatioDiagnostics.Marginal("x", x, sm, np, np, bins: 10);
        for (int b = 0; b < 10; b++)
        {
            Assert.Equal(2 * m.BinCentres[b], m.TrueRatio[b], 4 * m.TrueError[b] + 0.02);
            Assert.Equal(m.TrueRatio[b], m.LearnedRatio[b] * (sm.Sum() / np.Sum()), 1e-9);
            Assert.InRange(m.TrueError[b], 1e-4, 0.05);
        }
        Assert.Equal(1.0, RatioDiagnostics.Pearson(x, np), 12);
    }

    /// <summary>A "network" that outputs the exact log-ratio from the weight matrix of its truth features.</summary>
    private sealed class ExactRatioModel(double[] summed) : ILogitModel
    {
        public IReadOnlyList<string> FeatureNames => TruthSampleUtil.TruthFeatures;
        public IReadOnlyList<string> ThetaNames => ["V_R"];

        public void Logits(ReadOnlySpan<float> x, ReadOnlySpan<float> theta, int rows, Span<float> logits)
        {
            var basis = new ThetaBasis(["V_R"]);
            Span<double> w = stackalloc double[25];
            for (int i = 0; i < rows; i++)
            {
                var p = new TruthPoint(x[i * 4], x[i * 4 + 1], x[i * 4 + 2], x[i * 4 + 3]);
                WeightMatrix.Compute(p, Lepton.Muon, FormFactorsCln.Hflav2019, w);
                var form = basis.LinearForm([theta[i]]);
                logits[i] = (float)Math.Log(ThetaBasis.Apply(form, w) / ThetaBasis.Apply(form, summed));
            }
        }
    }

    [Fact]
    public void ProbeOfTheExactRatioCorrelatesPerfectlyAndReproducesTheMarginals()
    {
        var table = TruthSampleUtil.SmTable(3000, 4);
        // Round the features to float first so the model sees exactly what the probe passes in.
        var x = new float[3000 * 4];
        for (int f = 0; f < 4; f++)
        {
            var col = table.GetColumn(TruthSampleUtil.TruthFeatures[f]);
            for (int i = 0; i < 3000; i++) x[i * 4 + f] = (float)col[i];
        }
        var packed = new double[3000 * 25];
        var summed = new double[25];
        Span<double> w = stackalloc double[25];
        for (int i = 0; i < 3000; i++)
        {
            WeightMatrix.Compute(new TruthPoint(x[i * 4], x[i * 4 + 1], x[i * 4 + 2], x[i * 4 + 3]), Lepton.Muon, FormFactorsCln.Hflav2019, w);
            for (int k = 0; k < 25; k++) { packed[i * 25 + k] = w[k]; summed[k] += w[k]; }
        }
        for (int k = 0; k < 25; k++) table.SetColumn(WeightMatrixLayout.ColumnNames[k], Enumerable.Range(0, 3000).Select(i => packed[i * 25 + k]).ToArray());

        var results = LearnedRatioProbe.Run(new ExactRatioModel(summed), table, x, [[0.5], [0.0]], bins: 10);
        var atHalf = results[0];
        Assert.Equal(1.0, atHalf.Correlation, 5);
        for (int i = 0; i < atHalf.ExactLogRatio.Length; i++) Assert.Equal(atHalf.ExactLogRatio[i], atHalf.LearnedLogRatio[i], 1e-4);
        foreach (var m in atHalf.Marginals)
            for (int b = 0; b < m.BinCentres.Length; b++)
                if (double.IsFinite(m.TrueRatio[b])) Assert.Equal(m.TrueRatio[b], m.LearnedRatio[b], 1e-4);
        Assert.InRange(atHalf.Roc.Auc, 0.5, 1.0);
        // At θ = 0 NP and SM are the same weighting: AUC exactly 1/2.
        Assert.Equal(0.5, results[1].Roc.Auc, 9);
    }
}
