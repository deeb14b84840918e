using System.Globalization;
using System.Text;
using SbiFit.Data;
using SbiFit.Inference.Minimisation;

namespace SbiFit.Inference.Statistics;

/// <summary>A 1-D NLL curve, shifted so that its minimum (the fit's NLL minimum) is zero.</summary>
public sealed record NllCurve(string Parameter, double[] X, double[] DeltaNll);

/// <summary>
/// One Asimov point: the fit of the data weighted at θ_gen. <see cref="Pulls"/>[k] = (θ_min − θ_gen)/σ per POI
/// (σ = HESSE error); <see cref="Curve"/> is the NLL of the first POI (others profiled) around the minimum.
/// </summary>
public sealed record AsimovPoint(double[] ThetaGen, FitSummary Fit, double[] Pulls, NllCurve Curve);

/// <summary>Options of an Asimov series.</summary>
/// <param name="Fit">Fit options (MINOS etc.).</param>
/// <param name="CurvePoints">Points of the NLL curve.</param>
/// <param name="CurveSigmas">Half-width of the curve in units of the HESSE error (used when no range is given).</param>
/// <param name="CurveRange">Fixed (lo, hi) for the curve of the first POI, so all curves share one axis.</param>
public sealed record AsimovOptions(FitOptions? Fit = null, int CurvePoints = 41, double CurveSigmas = 3.0, (double Lo, double Hi)? CurveRange = null);

/// <summary>
/// The seed's Asimov test: weight the test events at θ_gen (w_i = c(θ_gen) W_i c(θ_gen)†, unnormalised so the
/// extended term sees the yield change), fit, and report θ_min − θ_gen in units of σ, with the NLL curve.
/// </summary>
public static class AsimovStudy
{
    /// <summary>Runs the fit at every θ_gen (each an array with one value per POI), in order.</summary>
    public static IReadOnlyList<AsimovPoint> Run(LikelihoodSetup setup, IReadOnlyList<double[]> thetaGens,
        AsimovOptions? options = null, double[]? baseWeights = null, IProgress<double>? progress = null)
    {
        options ??= new AsimovOptions();
        if (thetaGens.Count == 0) throw new ArgumentException("No theta_gen values given for the Asimov series.");
        if (options.CurvePoints < 2) throw new ArgumentException($"An NLL curve needs at least 2 points, got {options.CurvePoints}.");
        if (options.CurveRange is { } cr && !(cr.Lo < cr.Hi))
            throw new ArgumentException($"NLL curve range {cr.Lo}:{cr.Hi} is inverted or empty.");
        var result = new AsimovPoint[thetaGens.Count];
        for (int g = 0; g < thetaGens.Count; g++)
        {
            result[g] = RunOne(setup, thetaGens[g], options, baseWeights);
            progress?.Report((g + 1.0) / thetaGens.Count);
        }
        return result;
    }

    /// <summary>One Asimov fit at θ_gen.</summary>
    public static AsimovPoint RunOne(LikelihoodSetup setup, double[] thetaGen, AsimovOptions options, double[]? baseWeights = null)
    {
        var weights = setup.AsimovWeights(thetaGen, baseWeights);
        var nll = setup.Build(weights);
        // Start at the SM point, not at θ_gen, so the closure is a real test of the minimiser.
        var (minuit, fit) = Fitter.Fit(nll, setup.Parameters(), options.Fit);
        var pulls = fit.Parameters.Select((p, k) => (p.Value - thetaGen[k]) / p.Error).ToArray();
        var curve = Curve(nll, minuit, fit, setup.Pois[0], options);
        return new AsimovPoint(thetaGen, FitSummary.From(fit, setup.Kind), pulls, curve);
    }

    /// <summary>ΔNLL of one POI: direct evaluation for a single POI, a MINUIT profile otherwise.</summary>
    internal static NllCurve Curve(IObjective nll, Minuit minuit, FitResult fit, string poi, AsimovOptions options)
    {
        var p = fit[poi];
        var (lo, hi) = options.CurveRange ?? (p.Value - options.CurveSigmas * p.Error, p.Value + options.CurveSigmas * p.Error);
        if (!(lo < hi)) (lo, hi) = (p.Value - 1, p.Value + 1);
        int n = options.CurvePoints;
        var x = new double[n];
        var y = new double[n];
        if (fit.Parameters.Count == 1)
        {
            for (int i = 0; i < n; i++)
            {
                x[i] = lo + (hi - lo) * i / (n - 1);
                y[i] = nll.Value([x[i]]) - fit.Fval;
            }
        }
        else
        {
            var prof = minuit.Profile(poi, lo, hi, n);
            for (int i = 0; i < n; i++) { x[i] = prof[i].Value; y[i] = prof[i].Fval - fit.Fval; }
        }
        return new NllCurve(poi, x, y);
    }

    /// <summary>CSV: one row per θ_gen with, per POI, theta_gen, theta_min, error, minos_lo, minos_hi, pull; then nll_min, valid.</summary>
    public static string ToCsv(IReadOnlyList<AsimovPoint> points)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var names = points[0].Fit.Parameters.Select(p => p.Name).ToArray();
        sb.AppendLine(string.Join(",", names.SelectMany(n => new[] { $"{n}_gen", $"{n}_min", $"{n}_error", $"{n}_minos_lo", $"{n}_minos_hi", $"{n}_pull" })
            .Append("nll_min").Append("valid")));
        foreach (var pt in points)
        {
            var cells = new List<string>();
            for (int k = 0; k < names.Length; k++)
            {
                var p = pt.Fit.Parameters[k];
                cells.AddRange(new[] { pt.ThetaGen[k], p.Value, p.Error, p.MinosLo, p.MinosHi, pt.Pulls[k] }.Select(v => v.ToString("R", ci)));
            }
            cells.Add(pt.Fit.NllMin.ToString("R", ci));
            cells.Add(pt.Fit.Valid ? "true" : "false");
            sb.AppendLine(string.Join(",", cells));
        }
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToCsv"/> atomically.</summary>
    public static void WriteCsv(IReadOnlyList<AsimovPoint> points, string path) => AtomicFile.WriteAllText(path, ToCsv(points));
}
