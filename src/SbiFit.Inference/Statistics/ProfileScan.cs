using System.Globalization;
using System.Text;
using SbiFit.Data;
using SbiFit.Inference.Minimisation;

namespace SbiFit.Inference.Statistics;

/// <summary>A 1-D profile scan: ΔNLL (other parameters minimised) at each value; Valid per point.</summary>
public sealed record ProfileScanResult(string Parameter, double[] Values, double[] DeltaNll, bool[] Valid);

/// <summary>A 2-D contour at ΔNLL = <see cref="Delta"/> (<see cref="Sigmas"/> = 1 or 2 for 0.5·2.30, 0.5·6.18).</summary>
public sealed record ContourResult(string ParameterX, string ParameterY, int Sigmas, double Delta, double[] X, double[] Y, bool[] Valid);

/// <summary>1-D profile scans and 2-D contours of an NLL around its minimum (through <see cref="Minuit"/>).</summary>
public static class ProfileScan
{
    /// <summary>ΔNLL level of a 2-D contour for an NLL: 0.5 · χ²₂ quantile (2.30 at 1σ, 6.18 at 2σ).</summary>
    public static double ContourDelta(int sigmas) => sigmas switch
    {
        1 => 0.5 * 2.30,
        2 => 0.5 * 6.18,
        _ => throw new ArgumentException($"Contours are defined at 1 or 2 sigma, got {sigmas}."),
    };

    /// <summary>Profile of <paramref name="poi"/> over [lo, hi] at <paramref name="points"/> values, relative to the minimum.</summary>
    public static ProfileScanResult Scan(Minuit minuit, FitResult minimum, string poi, double lo, double hi, int points)
    {
        if (!(lo < hi)) throw new ArgumentException($"Scan range of '{poi}' {lo}:{hi} is inverted or empty (need lo < hi).");
        if (points < 2) throw new ArgumentException($"A scan of '{poi}' needs at least 2 points, got {points}.");
        var prof = minuit.Profile(poi, lo, hi, points);
        // A profile point can undercut the reported minimum slightly; shift by the lowest of the two.
        double fmin = Math.Min(minimum.Fval, prof.Where(p => double.IsFinite(p.Fval)).Select(p => p.Fval).DefaultIfEmpty(minimum.Fval).Min());
        return new ProfileScanResult(poi, prof.Select(p => p.Value).ToArray(), prof.Select(p => p.Fval - fmin).ToArray(),
            prof.Select(p => p.Valid).ToArray());
    }

    /// <summary>The <paramref name="sigmas"/>-σ contour of (a, b) with <paramref name="points"/> points.</summary>
    public static ContourResult Contour(Minuit minuit, string a, string b, int sigmas, int points = 40)
    {
        double delta = ContourDelta(sigmas);
        var c = minuit.Contour(a, b, delta, points);
        return new ContourResult(a, b, sigmas, delta, c.Select(p => p.X).ToArray(), c.Select(p => p.Y).ToArray(), c.Select(p => p.Valid).ToArray());
    }

    /// <summary>CSV "value,delta_nll,valid" with the parameter name as the first header.</summary>
    public static string ToCsv(ProfileScanResult scan)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder().AppendLine($"{scan.Parameter},delta_nll,valid");
        for (int i = 0; i < scan.Values.Length; i++)
            sb.AppendLine($"{scan.Values[i].ToString("R", ci)},{scan.DeltaNll[i].ToString("R", ci)},{(scan.Valid[i] ? "true" : "false")}");
        return sb.ToString();
    }

    /// <summary>CSV "sigmas,x,y,valid" for several contours (header names the parameters).</summary>
    public static string ToCsv(IReadOnlyList<ContourResult> contours)
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder().AppendLine($"sigmas,{contours[0].ParameterX},{contours[0].ParameterY},valid");
        foreach (var c in contours)
            for (int i = 0; i < c.X.Length; i++)
                sb.AppendLine($"{c.Sigmas},{c.X[i].ToString("R", ci)},{c.Y[i].ToString("R", ci)},{(c.Valid[i] ? "true" : "false")}");
        return sb.ToString();
    }

    /// <summary>Writes text atomically (CSV outputs of scans).</summary>
    public static void Write(string path, string csv) => AtomicFile.WriteAllText(path, csv);
}
