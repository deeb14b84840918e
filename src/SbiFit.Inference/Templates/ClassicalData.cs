using System.Globalization;
using System.Numerics;
using SbiFit.Data;
using SbiFit.Inference.Likelihood;
using SbiFit.Physics;

namespace SbiFit.Inference.Templates;

/// <summary>
/// What a classical fit is fitted to: an observed sample (counts, optionally weighted), an Asimov sample (a test sample
/// reweighted to θ_gen), or the expected templates themselves at θ_gen. Each source also fixes the SM yield N_SM that
/// the templates are normalised to (see <see cref="ClassicalFit"/>).
/// </summary>
public sealed class ClassicalData
{
    private enum Kind { Observed, AsimovSample, AsimovTemplates }

    private readonly Kind _kind;
    private readonly EventTable? _table;
    private readonly Complex[]? _cGen;
    private readonly double? _smYield;

    private ClassicalData(Kind kind, EventTable? table, Complex[]? cGen, double? smYield, string description)
    {
        _kind = kind;
        _table = table;
        _cGen = cGen;
        _smYield = smYield;
        Description = description;
    }

    /// <summary>Human-readable origin (file and θ_gen), for reports.</summary>
    public string Description { get; }

    /// <summary>
    /// Observed events: one count per event, times the optional <paramref name="weightColumn"/>. N_SM is the (weighted)
    /// number of data events, i.e. the data are assumed to have the SM rate; fit with a norm parameter when they may not.
    /// </summary>
    public static ClassicalData Observed(EventTable data, string weightColumn = EventSchema.Weight)
    {
        ArgumentNullException.ThrowIfNull(data);
        return new ClassicalData(Kind.Observed, RequireRows(data, "data"), null, null, $"observed {Name(data)}") { WeightColumn = weightColumn };
    }

    /// <summary>
    /// Asimov data from a test sample: the histogram of its events weighted by Contract(W_i, c(θ_gen)) (times the optional
    /// event weight). N_SM is the sample's SM total Σ_i w_i·W_i,00 (the sample size for unit weights), so the templates at
    /// θ_gen reproduce the data up to the MC fluctuations of training versus test sample.
    /// </summary>
    public static ClassicalData AsimovSample(EventTable sample, IReadOnlyDictionary<string, double> thetaGen, string weightColumn = EventSchema.Weight)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return new ClassicalData(Kind.AsimovSample, RequireRows(sample, "Asimov sample"), Coefficients(thetaGen), null,
            $"Asimov {Name(sample)} at {Format(thetaGen)}") { WeightColumn = weightColumn };
    }

    /// <summary>
    /// Asimov data equal to the templates' own expectation at θ_gen. N_SM is <paramref name="smYield"/> when given, else
    /// the training sample's SM total (no rescaling).
    /// </summary>
    public static ClassicalData AsimovTemplates(IReadOnlyDictionary<string, double> thetaGen, double? smYield = null)
    {
        if (smYield is { } y && (!(y > 0) || !double.IsFinite(y)))
            throw new TemplateException($"Asimov templates: SM yield {y} must be positive and finite.");
        return new ClassicalData(Kind.AsimovTemplates, null, Coefficients(thetaGen), smYield, $"Asimov templates at {Format(thetaGen)}");
    }

    /// <summary>Parses <c>V_R=0.3,Im(S_L)=-0.1</c> into parameter name → value (names checked by <see cref="WilsonParameterMap"/>).</summary>
    public static IReadOnlyDictionary<string, double> ParsePoint(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) throw new TemplateException("Asimov point is empty; expected e.g. 'V_R=0.3'.");
        var point = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in spec.Split(',', ';'))
        {
            var token = raw.Trim();
            int eq = token.IndexOf('=');
            if (eq <= 0 || !double.TryParse(token[(eq + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw new TemplateException($"Asimov point '{spec}': entry '{token}' is not NAME=VALUE with a finite number.");
            var name = token[..eq].Trim();
            if (!point.TryAdd(name, v)) throw new TemplateException($"Asimov point '{spec}': parameter '{name}' is given twice.");
        }
        Coefficients(point); // validates names
        return point;
    }

    /// <summary>c(θ) for a name → value point; components not named keep their SM value.</summary>
    public static Complex[] Coefficients(IReadOnlyDictionary<string, double> point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var names = point.Keys.ToArray();
        return TemplateException.ParameterMap(names).Map(names.Select(n => point[n]).ToArray());
    }

    private string WeightColumn { get; init; } = EventSchema.Weight;

    /// <summary>The coefficients the data were generated at (null for observed data).</summary>
    internal Complex[]? GeneratingCoefficients => _cGen;

    /// <summary>True when the counts come from the templates themselves.</summary>
    internal bool FromTemplates => _kind == Kind.AsimovTemplates;

    /// <summary>SM yield for the template normalisation (null: keep the training normalisation).</summary>
    internal double? SmYield(Binning binning) => _kind switch
    {
        Kind.AsimovTemplates => _smYield,
        Kind.Observed => Histogram(binning, null).Sum,
        _ => Histogram(binning, WeightMatrixLayout.LinearForm(TemplateSet.StandardModel())).Sum,
    };

    /// <summary>Counts per bin (not for <see cref="FromTemplates"/>).</summary>
    internal double[] Counts(Binning binning) => _kind switch
    {
        Kind.Observed => Histogram(binning, null).Counts,
        Kind.AsimovSample => Histogram(binning, WeightMatrixLayout.LinearForm(_cGen!)).Counts,
        _ => throw new InvalidOperationException("Asimov-template counts come from the templates."),
    };

    private (double[] Counts, double Sum) Histogram(Binning binning, double[]? linearForm)
    {
        var t = _table!;
        var columns = ClassicalFit.Columns(t, binning.Observables, "data");
        var weights = t.TryGetColumn(WeightColumn, out var ew) ? (double[])ew.Clone() : Enumerable.Repeat(1.0, t.RowCount).ToArray();
        if (linearForm is not null)
        {
            var w = ClassicalFit.Columns(t, WeightMatrixLayout.ColumnNames, "Asimov sample (weight matrices)");
            Span<double> row = stackalloc double[WeightMatrixLayout.PackedLength];
            for (int e = 0; e < weights.Length; e++)
            {
                for (int k = 0; k < row.Length; k++) row[k] = w[k][e];
                weights[e] *= Kernels.Dot(linearForm, row);
            }
        }
        var counts = binning.Histogram(columns, weights);
        return (counts, CompensatedSum.Pairwise(weights));
    }

    private static EventTable RequireRows(EventTable t, string what) =>
        t.RowCount > 0 ? t : throw new TemplateException($"The {what} sample {Name(t)} is empty (0 events).");

    private static string Name(EventTable t) => t.Source is { Length: > 0 } s ? $"'{s}'" : "(in memory)";

    private static string Format(IReadOnlyDictionary<string, double> p) =>
        string.Join(",", p.Select(kv => $"{kv.Key}={kv.Value.ToString("G", CultureInfo.InvariantCulture)}"));
}
