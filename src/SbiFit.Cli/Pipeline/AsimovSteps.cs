using System.Diagnostics;
using SbiFit.Inference;
using SbiFit.Inference.Likelihood;
using SbiFit.Data;
using SbiFit.Inference.Templates;

namespace SbiFit.Cli.Pipeline;

/// <summary>
/// Asimov series of the reference likelihoods. The Asimov dataset at θ_gen is the test sample reweighted to θ_gen
/// (w_i = r(x_i; θ_gen)) with the SM expected yield equal to the number of test events.
/// </summary>
internal static class AsimovSteps
{
    /// <summary>
    /// Truth-level oracle: the exact per-event ratio from W(x_true) (<see cref="OracleRatioTerm"/>) plus the extended
    /// Poisson term on the total yield. The best any learned likelihood can do with this sample.
    /// </summary>
    public static AsimovSeries Oracle(SampleColumns sample, PipelineConfig config, IProgress<double> progress)
    {
        var sw = Stopwatch.StartNew();
        var ranges = config.Wilson.Parameters;
        var names = ranges.Select(r => r.Name).ToArray();
        var map = new WilsonParameterMap(names);
        var index = Enumerable.Range(0, names.Length).ToArray();
        var rate = RateQuadraticForm.FromEvents(sample.PackedW);
        var points = new List<AsimovPoint>();
        foreach (var thetaGen in config.Fit.ThetaGen)
        {
            double[] w = sample.Weights(map.ToC(thetaGen));
            var model = new NllModel(StartParameters(names))
                .Add(new OracleRatioTerm(sample.PackedW, w, map, index, rate))
                .Add(new ExtendedTerm(rate, map, index, sample.Count, w.Sum()));
            points.Add(AsimovFitter.Fit(model, model.Parameters, thetaGen, ranges, config.Fit));
            progress.Report((double)points.Count / config.Fit.ThetaGen.Length);
        }
        return new AsimovSeries("oracle", "truth-level oracle ratio (exact W(x_true)) + extended term", sample.Count, points.ToArray(), sw.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Classical binned template fit: HAMMER-style templates of the reconstructed observables built from the training
    /// sample, normalised to the test sample's SM yield; the fitted counts are the test sample weighted to θ_gen
    /// (<see cref="ClassicalData.AsimovSample"/>); extended binned Poisson likelihood.
    /// </summary>
    public static AsimovSeries Classical(EventTable train, EventTable test, PipelineConfig config, IProgress<double> progress)
    {
        var sw = Stopwatch.StartNew();
        var ranges = config.Wilson.Parameters;
        var names = ranges.Select(r => r.Name).ToArray();
        var options = new ClassicalFitOptions(config.Classical.Bins, config.Classical.McStat, config.Classical.NormUncertainty);
        var points = new List<AsimovPoint>();
        int bins = 0;
        foreach (var thetaGen in config.Fit.ThetaGen)
        {
            var point = names.Select((n, k) => (n, thetaGen[k])).ToDictionary(t => t.n, t => t.Item2);
            var fit = ClassicalFit.Create(train, ClassicalData.AsimovSample(test, point), names, options);
            bins = fit.Templates.Bins;
            points.Add(AsimovFitter.Fit(fit.Objective, fit.Likelihood.DefaultParameters(), thetaGen, ranges, config.Fit));
            progress.Report((double)points.Count / config.Fit.ThetaGen.Length);
        }
        string desc = $"binned Poisson template fit ({bins} bins, spec '{config.Classical.Bins}'; templates from the training sample, " +
                      $"Asimov data = test sample at theta_gen; MC stat {(config.Classical.McStat ? "Barlow-Beeston-lite" : "off")}" +
                      $"{(config.Classical.NormUncertainty is { } s ? $", norm ±{s}" : "")})";
        return new AsimovSeries("classical", desc, test.RowCount, points.ToArray(), sw.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// SBI (learned likelihood): the trained classifier's ratio on the test sample weighted to θ_gen plus the extended
    /// term whose rate form I(θ) comes from the training sample, evaluated with the configured backend.
    /// </summary>
    public static AsimovSeries Sbi(EventTable train, EventTable test, string modelPath, string backend, PipelineConfig config, IProgress<double> progress)
    {
        var sw = Stopwatch.StartNew();
        var ranges = config.Wilson.Parameters;
        var names = ranges.Select(r => r.Name).ToArray();
        using var loaded = Commands.LikelihoodFactory.Build(test, train, names, "sbi", modelPath, backend, Array.Empty<string>());
        var points = new List<AsimovPoint>();
        foreach (var thetaGen in config.Fit.ThetaGen)
        {
            var nll = loaded.Setup.Build(loaded.Setup.AsimovWeights(thetaGen, loaded.BaseWeights));
            points.Add(AsimovFitter.Fit(nll, loaded.Setup.Parameters(), thetaGen, ranges, config.Fit));
            progress.Report((double)points.Count / config.Fit.ThetaGen.Length);
        }
        string desc = $"learned ratio ({Path.GetFileName(modelPath)}, backend {loaded.Backend}) on the test sample + extended term (rate form from the training sample)";
        return new AsimovSeries("sbi", desc, test.RowCount, points.ToArray(), sw.Elapsed.TotalSeconds);
    }

    private static Parameter[] StartParameters(string[] names) => names.Select(n => new Parameter(n, 0.0, 0.05)).ToArray();

}
