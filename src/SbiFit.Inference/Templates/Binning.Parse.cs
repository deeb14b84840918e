using System.Globalization;
using SbiFit.Data;

namespace SbiFit.Inference.Templates;

public sealed partial class Binning
{
    /// <summary>
    /// Parses a binning spec. Grammar: empty or <c>default</c> → <see cref="Default"/>; <c>quantile</c> → the default bin
    /// counts with quantile edges of <paramref name="sample"/>; otherwise a list of axes separated by ',' or ';', each
    /// <c>name:N</c> (N equal-width bins over <see cref="PhysicalRange"/>), <c>name:qN</c> (N weighted-quantile bins of
    /// the sample) or <c>name:e0,e1,…</c> (explicit edges). Only the listed observables are binned, in the given order.
    /// Example: <c>q2:4,cos_theta_d:5,cos_theta_l:5,chi:5,m2_miss:-2,-0.5,0,0.5,2,6</c>.
    /// </summary>
    /// <param name="spec">The spec string (from <c>--bins</c>).</param>
    /// <param name="sample">Name → column map of the SM sample; needed only for quantile axes.</param>
    /// <param name="sampleWeights">Optional per-event weights of the sample for quantiles.</param>
    public static Binning Parse(string? spec, IReadOnlyDictionary<string, double[]>? sample = null, double[]? sampleWeights = null)
    {
        spec = spec?.Trim() ?? "";
        if (spec.Length == 0 || spec.Equals("default", StringComparison.OrdinalIgnoreCase)) return Default();
        if (spec.Equals("quantile", StringComparison.OrdinalIgnoreCase))
        {
            var counts = Default().Axes.Select(a => $"{a.Observable}:q{a.Bins}");
            return Parse(string.Join(",", counts), sample, sampleWeights);
        }

        var groups = new List<(string Name, List<string> Values)>();
        foreach (var raw in spec.Split(',', ';'))
        {
            var token = raw.Trim();
            if (token.Length == 0) throw new TemplateException($"Binning spec '{spec}': empty entry (doubled separator?).");
            int colon = token.IndexOf(':');
            if (colon >= 0)
            {
                var name = token[..colon].Trim();
                var value = token[(colon + 1)..].Trim();
                if (name.Length == 0) throw new TemplateException($"Binning spec '{spec}': entry '{token}' has no observable name.");
                if (value.Length == 0) throw new TemplateException($"Binning spec '{spec}': observable '{name}' has no bin count or edges.");
                groups.Add((name, new List<string> { value }));
            }
            else if (groups.Count == 0)
                throw new TemplateException($"Binning spec '{spec}': must start with 'observable:bins', found '{token}'.");
            else groups[^1].Values.Add(token);
        }

        var axes = new List<BinAxis>();
        foreach (var (name, values) in groups)
        {
            if (!EventSchema.Features.Contains(name))
                throw new TemplateException($"Binning spec '{spec}': unknown observable '{name}'; known: {string.Join(", ", EventSchema.Features)}.");
            axes.Add(ParseAxis(spec, name, values, sample, sampleWeights));
        }
        return new Binning(axes);
    }

    private static BinAxis ParseAxis(string spec, string name, List<string> values,
        IReadOnlyDictionary<string, double[]>? sample, double[]? sampleWeights)
    {
        if (values.Count >= 2)
        {
            var edges = values.Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? d
                : throw new TemplateException($"Binning spec '{spec}': edge '{v}' of '{name}' is not a number.")).ToArray();
            return new BinAxis(name, edges);
        }
        var single = values[0];
        bool quantile = single.StartsWith('q') || single.StartsWith('Q');
        var countText = quantile ? single[1..] : single;
        if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out int bins) || bins < 1)
            throw new TemplateException(
                $"Binning spec '{spec}': '{name}:{single}' is neither a positive bin count (N or qN) nor a list of at least 2 edges.");
        if (!quantile) return EqualWidth(name, bins);
        if (sample is null)
            throw new TemplateException($"Binning spec '{spec}': quantile binning of '{name}' needs the SM sample, none was given.");
        if (!sample.TryGetValue(name, out var column))
            throw new TemplateException($"Binning spec '{spec}': quantile binning needs column '{name}', the sample lacks it.");
        return Quantile(name, bins, column, sampleWeights);
    }
}
