using System.Text.Json;
using SbiFit.Data;
using SbiFit.Inference;
using SbiFit.Inference.Minimisation;

namespace SbiFit.Cli.Pipeline;

/// <summary>Δ(2 NLL) profile of one parameter.</summary>
/// <param name="Parameter">Scanned parameter.</param>
/// <param name="X">Parameter values.</param>
/// <param name="Delta2Nll">2 (NLL − NLL_min) with the other parameters profiled; NaN where the minimisation failed.</param>
public sealed record ScanCurve(string Parameter, double[] X, double[] Delta2Nll);

/// <summary>Fit of one Asimov dataset.</summary>
/// <param name="ThetaGen">Generation point (one value per WC parameter).</param>
/// <param name="Parameters">Fitted WC parameter names.</param>
/// <param name="ThetaMin">Best-fit values.</param>
/// <param name="HesseError">HESSE errors.</param>
/// <param name="MinosLower">MINOS lower errors (negative), null when MINOS was off or failed.</param>
/// <param name="MinosUpper">MINOS upper errors, null when off or failed.</param>
/// <param name="Fval">NLL at the minimum.</param>
/// <param name="Valid">MIGRAD validity.</param>
/// <param name="Scans">One profile scan per WC parameter over its range.</param>
public sealed record AsimovPoint(double[] ThetaGen, string[] Parameters, double[] ThetaMin, double[] HesseError,
    double?[] MinosLower, double?[] MinosUpper, double Fval, bool Valid, ScanCurve[] Scans);

/// <summary>A series of Asimov fits of one likelihood (oracle, classical, SBI) over the theta_gen list.</summary>
/// <param name="Likelihood">Short name: oracle, classical, sbi.</param>
/// <param name="Description">What the likelihood is.</param>
/// <param name="Events">Events in the sample the likelihood is built from.</param>
/// <param name="Points">Fits, one per theta_gen.</param>
/// <param name="Seconds">Wall time of all fits.</param>
public sealed record AsimovSeries(string Likelihood, string Description, int Events, AsimovPoint[] Points, double Seconds)
{
    /// <summary>Writes the series as JSON (atomic).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, PipelineConfigLoader.JsonOptions));

    /// <summary>Reads a series written by <see cref="Save"/>.</summary>
    public static AsimovSeries Load(string path) =>
        JsonSerializer.Deserialize<AsimovSeries>(File.ReadAllText(path), PipelineConfigLoader.JsonOptions)
        ?? throw new InvalidDataException($"{path}: empty Asimov result file");
}

/// <summary>MIGRAD + HESSE (+ MINOS) + profile scans of one objective, shared by every likelihood of the pipeline.</summary>
internal static class AsimovFitter
{
    public static AsimovPoint Fit(IObjective objective, IReadOnlyList<Parameter> parameters, double[] thetaGen,
        IReadOnlyList<WilsonRange> ranges, FitSection fit)
    {
        var minuit = new Minuit(objective, parameters);
        FitResult result = minuit.Migrad();
        result = minuit.Hesse();
        if (fit.Minos) result = minuit.Minos();
        int n = ranges.Count;
        var names = ranges.Select(r => r.Name).ToArray();
        var point = new AsimovPoint(thetaGen, names, new double[n], new double[n], new double?[n], new double?[n],
            result.Fval, result.IsValid, new ScanCurve[n]);
        for (int k = 0; k < n; k++)
        {
            var pr = result[names[k]];
            point.ThetaMin[k] = pr.Value;
            point.HesseError[k] = pr.Error;
            if (pr.Minos is { } m)
            {
                point.MinosLower[k] = m.LowerValid ? m.Lower : null;
                point.MinosUpper[k] = m.UpperValid ? m.Upper : null;
            }
            // Scan ±5 σ around the minimum (inside the WC range): the region where the likelihoods differ; over the
            // whole range the yield term dominates and the curves all look alike.
            double width = double.IsFinite(pr.Error) && pr.Error > 0 ? 5 * pr.Error : ranges[k].Hi - ranges[k].Lo;
            double lo = Math.Max(ranges[k].Lo, pr.Value - width), hi = Math.Min(ranges[k].Hi, pr.Value + width);
            if (!(hi > lo)) (lo, hi) = (ranges[k].Lo, ranges[k].Hi);
            var profile = minuit.Profile(names[k], lo, hi, fit.ScanPoints);
            point.Scans[k] = new ScanCurve(names[k], profile.Select(q => q.Value).ToArray(),
                profile.Select(q => q.Valid ? 2 * (q.Fval - result.Fval) : double.NaN).ToArray());
        }
        return point;
    }
}
