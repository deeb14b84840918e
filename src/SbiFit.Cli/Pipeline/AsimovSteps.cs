using System.Diagnostics;
using SbiFit.Inference;
using SbiFit.Inference.Likelihood;
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
    /// Classical binned template fit: HAMMER-style templates of the reconstructed observables built from the test
    /// sample, Asimov counts = the templates' expectation at θ_gen, extended binned Poisson likelihood.
    /// </summary>
    public static AsimovSeries Classical(SampleColumns sample, PipelineConfig config, IProgress<double> progress)
    {
        var sw = Stopwatch.StartNew();
        var ranges = config.Wilson.Parameters;
        var names = ranges.Select(r => r.Name).ToArray();
        var columns = Data.EventSchema.Features.ToDictionary(n => n, n => sample.Table.GetColumn(n));
        var binning = Binning.Parse(config.Classical.Bins, columns);
        var templates = TemplateSet.Build(binning, binning.SelectColumns(columns), sample.PackedW, expectedYield: sample.Count);
        var map = new WcParameterMap(names);
        var options = new BinnedLikelihoodOptions(config.Classical.McStat, config.Classical.NormUncertainty);
        var points = new List<AsimovPoint>();
        foreach (var thetaGen in config.Fit.ThetaGen)
        {
            double[] observed = templates.Expected(map.Map(thetaGen));
            var nll = new BinnedPoissonLikelihood(templates, observed, map, options);
            points.Add(AsimovFitter.Fit(nll, nll.DefaultParameters(), thetaGen, ranges, config.Fit));
            progress.Report((double)points.Count / config.Fit.ThetaGen.Length);
        }
        string desc = $"binned Poisson template fit ({binning.TotalBins} bins: {binning.ToSpec()}; " +
                      $"MC stat {(config.Classical.McStat ? "Barlow-Beeston-lite" : "off")}" +
                      $"{(config.Classical.NormUncertainty is { } s ? $", norm ±{s}" : "")})";
        return new AsimovSeries("classical", desc, sample.Count, points.ToArray(), sw.Elapsed.TotalSeconds);
    }

    private static Parameter[] StartParameters(string[] names) => names.Select(n => new Parameter(n, 0.0, 0.05)).ToArray();

}
