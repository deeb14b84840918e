using SbiFit.Inference.Likelihood;
using SbiFit.Data;
using SbiFit.Inference.Minimisation;
using SbiFit.Physics;

namespace SbiFit.Inference.Templates;

/// <summary>Settings of a classical template fit.</summary>
/// <param name="Bins">Binning spec (<see cref="Binning.Parse"/>; null or "default": the seed's 2500 bins).</param>
/// <param name="BarlowBeestonLite">Profile per-bin MC-stat factors (pyhf staterror).</param>
/// <param name="NormUncertainty">Relative normalisation uncertainty (adds <c>mu_norm</c>); null: none.</param>
/// <param name="Minos">Run MINOS for every POI after HESSE.</param>
/// <param name="Tolerance">MIGRAD tolerance (EDM goal 0.002·Tolerance·0.5).</param>
/// <param name="Strategy">Minuit strategy 0, 1 or 2.</param>
/// <param name="WeightColumn">Optional per-event weight column of the training sample.</param>
public sealed record ClassicalFitOptions(string? Bins = null, bool BarlowBeestonLite = false, double? NormUncertainty = null,
    bool Minos = false, double Tolerance = 0.1, int Strategy = 1, string WeightColumn = EventSchema.Weight);

/// <summary>
/// The classical binned template fit in one object: HAMMER-style templates from a training sample's weight-matrix
/// columns (w_re_ij, w_im_ij), data from <see cref="ClassicalData"/>, the extended Poisson likelihood
/// (<see cref="BinnedPoissonLikelihood"/>), and Minuit MIGRAD + HESSE (+ MINOS).
/// Normalisation: the templates are scaled so that their SM total equals the data's SM yield N_SM — the (weighted) data
/// count for observed data, the test sample's SM total (its size for unit weights) for an Asimov sample, the training
/// total (or a given yield) for template Asimov data. A rate change at θ ≠ 0 is then part of the fitted signal.
/// </summary>
public sealed class ClassicalFit
{
    private readonly ClassicalFitOptions _options;
    private readonly IObjective _objective;
    private FitResult? _best;

    private ClassicalFit(TemplateSet templates, double[] observed, BinnedPoissonLikelihood likelihood, ClassicalFitOptions options, string dataDescription)
    {
        Templates = templates;
        Observed = observed;
        Likelihood = likelihood;
        _options = options;
        DataDescription = dataDescription;
        // Without BB-lite the NLL's Hessian is closed-form: MIGRAD's seed and HESSE then need no numerical scan.
        _objective = options.BarlowBeestonLite
            ? likelihood
            : new BinnedNllHessian(likelihood, templates, observed, new WilsonParameterMap(likelihood.ParameterNames.Where(n => n != BinnedPoissonLikelihood.NormName).ToArray()), options.NormUncertainty);
    }

    /// <summary>The (normalised) templates.</summary>
    public TemplateSet Templates { get; }

    /// <summary>Observed (or Asimov) counts per bin.</summary>
    public IReadOnlyList<double> Observed { get; }

    /// <summary>The NLL handed to the minimiser (POIs, then <c>mu_norm</c> when enabled).</summary>
    public BinnedPoissonLikelihood Likelihood { get; }

    /// <summary>What Minuit minimises: <see cref="Likelihood"/>, plus its closed-form Hessian when BB-lite is off.</summary>
    public IObjective Objective => _objective;

    /// <summary>Where the counts came from.</summary>
    public string DataDescription { get; }

    /// <summary>The SM yield the templates are normalised to (their SM total).</summary>
    public double SmYield => Templates.Expected(TemplateSet.StandardModel()).Sum();

    /// <summary>
    /// Builds templates and data. Throws <see cref="TemplateException"/> naming the sample and column for missing
    /// observables or w_* columns, a bad binning spec, unknown POIs or empty samples.
    /// </summary>
    public static ClassicalFit Create(EventTable training, ClassicalData data, IReadOnlyList<string> pois, ClassicalFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(pois);
        options ??= new ClassicalFitOptions();
        if (pois.Count == 0) throw new TemplateException("Classical fit: no parameter of interest given (e.g. V_R).");
        var map = TemplateException.ParameterMap(pois); // validates names before the expensive work
        if (training.RowCount == 0) throw new TemplateException($"The training sample {Name(training)} is empty (0 events).");

        var wColumns = Columns(training, WeightMatrixLayout.ColumnNames, "training");
        double[]? eventWeights = training.TryGetColumn(options.WeightColumn, out var ew) ? ew : null;
        var features = EventSchema.Features.Where(training.HasColumn).ToDictionary(f => f, training.GetColumn);
        var binning = Binning.Parse(options.Bins, features, eventWeights);
        var observables = Columns(training, binning.Observables, "training");

        var templates = TemplateSet.Build(binning, observables, wColumns, eventWeights, data.SmYield(binning));
        var observed = data.FromTemplates ? templates.Expected(data.GeneratingCoefficients!) : data.Counts(binning);
        var likelihood = new BinnedPoissonLikelihood(templates, observed, map,
            new BinnedLikelihoodOptions(options.BarlowBeestonLite, options.NormUncertainty));
        return new ClassicalFit(templates, observed, likelihood, options, data.Description);
    }

    /// <summary>MIGRAD from θ = 0 (mu_norm = 1), then HESSE, then MINOS for the POIs when enabled.</summary>
    public ClassicalFitResult Fit()
    {
        var minuit = NewMinuit(Likelihood.DefaultParameters());
        minuit.Migrad();
        var result = minuit.Hesse();
        if (_options.Minos && result.IsValid)
            foreach (var name in Likelihood.ParameterNames.Where(n => n != BinnedPoissonLikelihood.NormName))
                result = minuit.Minos(name);
        _best = result;
        return new ClassicalFitResult(result, Templates.Bins, SmYield, DataDescription);
    }

    /// <summary>
    /// Δnll(v) = nll(v) − nll_min at each value of <paramref name="poi"/>, the other parameters profiled (MIGRAD from
    /// the best fit); the best fit is run first when <see cref="Fit"/> has not been called.
    /// </summary>
    public double[] NllCurve(string poi, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int k = Likelihood.ParameterNames.ToList().IndexOf(poi);
        if (k < 0) throw new TemplateException($"NLL curve: '{poi}' is not a fit parameter (have: {string.Join(", ", Likelihood.ParameterNames)}).");
        var best = _best ?? Fit().Fit;
        var start = Likelihood.DefaultParameters().Select((p, i) => p with { Value = best.Parameters[i].Value }).ToArray();
        var curve = new double[values.Count];
        var p = best.Parameters.Select(r => r.Value).ToArray();
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i])) throw new TemplateException($"NLL curve: value {i} of '{poi}' is {values[i]}.");
            double f;
            if (start.Length == 1)
            {
                p[k] = values[i];
                f = Likelihood.Value(p);
            }
            else
            {
                var fixedStart = start.Select((q, j) => j == k ? q with { Value = values[i], Fixed = true } : q).ToArray();
                f = NewMinuit(fixedStart).Migrad().Fval;
            }
            curve[i] = f - best.Fval;
        }
        return curve;
    }

    /// <summary>Writes the pyhf workspace (SM templates + observed counts), validated against the schema, atomically.</summary>
    public void ExportPyhf(string path) => PyhfWorkspace.Export(Templates, Observed, null, path);

    private Minuit NewMinuit(IReadOnlyList<Parameter> parameters) =>
        new(_objective, parameters) { Tolerance = _options.Tolerance, Strategy = _options.Strategy };

    /// <summary>The named columns of a sample; a <see cref="TemplateException"/> lists every missing one.</summary>
    internal static double[][] Columns(EventTable table, IReadOnlyList<string> names, string what)
    {
        var missing = names.Where(n => !table.HasColumn(n)).ToArray();
        if (missing.Length > 0)
            throw new TemplateException(
                $"The {what} sample {Name(table)} lacks column(s) {string.Join(", ", missing.Take(6))}{(missing.Length > 6 ? $" (+{missing.Length - 6} more)" : "")}" +
                (missing.Any(m => m.StartsWith("w_", StringComparison.Ordinal)) ? "; the weight-matrix columns w_re_ij/w_im_ij come from the reweighting step." : "."));
        return names.Select(table.GetColumn).ToArray();
    }

    private static string Name(EventTable t) => t.Source is { Length: > 0 } s ? $"'{s}'" : "(in memory)";
}
