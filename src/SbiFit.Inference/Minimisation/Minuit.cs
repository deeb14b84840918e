using System.Diagnostics;

namespace SbiFit.Inference.Minimisation;

/// <summary>
/// A MINUIT-style minimiser (after Minuit2): <see cref="Migrad"/> (variable metric with the EDM rule), <see cref="Hesse"/>
/// (numerical or analytic second derivatives), <see cref="Minos"/> (profile-likelihood intervals), plus 1-D profiles and
/// 2-D contours. Each call returns an immutable <see cref="FitResult"/>; values and errors carry over to the next call.
/// </summary>
public sealed class Minuit
{
    private readonly IObjective _objective;
    private Parameter[] _parameters;
    private MinimumState? _state;
    private int _nfcn, _ngrad;
    private bool _stateIsHesseAtMinimum;
    private readonly List<string> _migradFailures = [];

    /// <summary>Validates the parameters (ArgumentException naming the offending one) against the objective.</summary>
    public Minuit(IObjective objective, IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (var p in parameters) p.Validate();
        if (parameters.Count != objective.Dimension)
            throw new ArgumentException($"The objective takes {objective.Dimension} parameters but {parameters.Count} were given.", nameof(parameters));
        var duplicate = parameters.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"Parameter '{duplicate.Key}' is defined more than once.", nameof(parameters));
        _objective = objective;
        _parameters = parameters.ToArray();
    }

    /// <summary>Error definition "up": 0.5 for a negative log-likelihood, 1 for a chi-square.</summary>
    public double ErrorDef { get; init; } = 0.5;

    /// <summary>Minuit strategy 0 (fast), 1 (default) or 2 (careful: full HESSE in the seed and at the end).</summary>
    public int Strategy { get; init; } = 1;

    /// <summary>Convergence tolerance: MIGRAD stops when EDM &lt; 0.002 * Tolerance * ErrorDef (Minuit2's rule).</summary>
    public double Tolerance { get; init; } = 0.1;

    /// <summary>Maximum number of function plus gradient calls per MIGRAD; 0 means Minuit's 200 + 100 n + 5 n^2.</summary>
    public int MaxCalls { get; init; }

    /// <summary>Use the objective's analytic gradient when it has one (default true).</summary>
    public bool UseAnalyticGradient { get; init; } = true;

    /// <summary>Use the objective's analytic Hessian for the seed and HESSE when it has one (default true).</summary>
    public bool UseAnalyticHessian { get; init; } = true;

    /// <summary>The latest result (null before the first call).</summary>
    public FitResult? Result { get; private set; }

    /// <summary>Current parameter settings (values and steps follow the latest MIGRAD).</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    internal IObjective Objective => _objective;

    /// <summary>Runs MIGRAD from the current values.</summary>
    public FitResult Migrad()
    {
        var clock = Stopwatch.StartNew();
        var run = RunMigrad(_parameters, Tolerance);
        _state = run.Outcome.State;
        _stateIsHesseAtMinimum = _state is { FromHesse: true, HesseFailed: false };
        _nfcn += run.Function.ValueCalls;
        _ngrad += run.Function.GradientCalls;
        _migradFailures.Clear();
        if (run.Outcome.Failure is { } failure) _migradFailures.Add(failure);
        if (run.Outcome.CallLimit) _migradFailures.Add("call limit reached");
        var reasons = new List<string>(_migradFailures);
        if (run.Outcome.AboveMaxEdm) reasons.Add($"EDM {run.Outcome.State.Edm:G3} above maximum {10 * EdmGoal:G3}");
        Result = Build(run.Function.Map, _state, reasons, run.Outcome.CallLimit, run.Outcome.AboveMaxEdm, clock.Elapsed.TotalSeconds);
        AdoptValues(Result);
        return Result;
    }

    /// <summary>
    /// Computes the full second-derivative matrix at the current values (after MIGRAD when one was run). When the last
    /// MIGRAD ended on a full HESSE at its minimum (strategy 2, or strategy 1's verification of a poor covariance
    /// estimate, or an analytic Hessian), that matrix is returned without recomputing the same derivatives.
    /// </summary>
    public FitResult Hesse()
    {
        var clock = Stopwatch.StartNew();
        var map = new ParameterMap(_parameters);
        MinimumState st;
        if (_stateIsHesseAtMinimum && _state is { } atMinimum) st = atMinimum;
        else
        {
            var fcn = NewFunction(map);
            var x = map.ToInternal(_parameters.Select(p => p.Value).ToArray());
            var previous = _state is { } s && s.X.Length == x.Length ? s.Gradient : null;
            st = HesseCalculator.Compute(fcn, x, Minimisation.Strategy.Of(Strategy), CallLimit(map.InternalCount), previous);
            _nfcn += fcn.ValueCalls;
            _ngrad += fcn.GradientCalls;
        }
        _state = st;
        _stateIsHesseAtMinimum = false;
        var reasons = new List<string>();
        if (Result is null) reasons.Add("MIGRAD has not been run");
        reasons.AddRange(_migradFailures);
        bool above = st.Edm > 10 * EdmGoal;
        if (above) reasons.Add($"EDM {st.Edm:G3} above maximum {10 * EdmGoal:G3}");
        Result = Build(map, st, reasons, Result?.HasReachedCallLimit ?? false, above, (Result?.Seconds ?? 0) + clock.Elapsed.TotalSeconds);
        AdoptValues(Result);
        return Result;
    }

    /// <summary>
    /// MINOS intervals for <paramref name="name"/> (all free parameters when null): where the profile of f crosses
    /// fmin + ErrorDef on each side. Runs MIGRAD first when needed; throws when the minimum is not valid.
    /// </summary>
    public FitResult Minos(string? name = null)
    {
        if (Result is null) Migrad();
        var current = Result!;
        if (!current.IsValid) throw new InvalidOperationException($"MINOS needs a valid minimum; MIGRAD reported: {current.InvalidReason}.");
        var clock = Stopwatch.StartNew();
        var profiler = new Profiler(this, current);
        var indices = name is null
            ? Enumerable.Range(0, _parameters.Length).Where(i => !_parameters[i].Fixed).ToArray()
            : [IndexOf(name, requireFree: true)];
        var updated = current.Parameters.ToArray();
        foreach (int k in indices)
        {
            updated[k] = updated[k] with { Minos = profiler.Minos(k) };
        }
        _nfcn += profiler.ValueCalls;
        _ngrad += profiler.GradientCalls;
        Result = current with { Parameters = updated, NFcn = _nfcn, NGrad = _ngrad, Seconds = current.Seconds + clock.Elapsed.TotalSeconds };
        return Result;
    }

    /// <summary>1-D profile: f minimised over the other parameters at <paramref name="points"/> values of <paramref name="name"/> in [lo, hi].</summary>
    public IReadOnlyList<ProfilePoint> Profile(string name, double lo, double hi, int points)
    {
        if (points < 2) throw new ArgumentException($"A profile of '{name}' needs at least 2 points, got {points}.", nameof(points));
        if (!(lo < hi)) throw new ArgumentException($"Profile range of '{name}' is empty: lo {lo} is not below hi {hi}.", nameof(lo));
        int k = IndexOf(name, requireFree: true);
        var profiler = new Profiler(this, Result ?? Migrad());
        var result = new ProfilePoint[points];
        for (int i = 0; i < points; i++)
        {
            double t = lo + (hi - lo) * i / (points - 1);
            var (f, valid) = profiler.ProfileAt([k], [t]);
            result[i] = new ProfilePoint(t, f, valid);
        }
        _nfcn += profiler.ValueCalls;
        _ngrad += profiler.GradientCalls;
        return result;
    }

    /// <summary>
    /// 2-D contour of parameters <paramref name="a"/> and <paramref name="b"/> where the profile (others minimised)
    /// reaches fmin + <paramref name="delta"/>: radial root finding from the minimum along <paramref name="points"/> directions.
    /// </summary>
    public IReadOnlyList<ContourPoint> Contour(string a, string b, double delta, int points)
    {
        if (points < 3) throw new ArgumentException($"A contour needs at least 3 points, got {points}.", nameof(points));
        if (!(delta > 0)) throw new ArgumentException($"Contour level delta must be positive, got {delta}.", nameof(delta));
        int ia = IndexOf(a, requireFree: true), ib = IndexOf(b, requireFree: true);
        if (ia == ib) throw new ArgumentException($"Contour needs two different parameters, got '{a}' twice.", nameof(b));
        var current = Result ?? Migrad();
        if (!current.IsValid) throw new InvalidOperationException($"A contour needs a valid minimum; MIGRAD reported: {current.InvalidReason}.");
        var profiler = new Profiler(this, current);
        var contour = profiler.Contour(ia, ib, delta, points);
        _nfcn += profiler.ValueCalls;
        _ngrad += profiler.GradientCalls;
        return contour;
    }

    internal double EdmGoal => 0.002 * Tolerance * ErrorDef;

    internal int CallLimit(int n) => MaxCalls > 0 ? MaxCalls : 200 + 100 * n + 5 * n * n;

    internal InternalFunction NewFunction(ParameterMap map) =>
        new(_objective, map, ErrorDef, UseAnalyticGradient, UseAnalyticHessian);

    internal (InternalFunction Function, MigradOutcome Outcome) RunMigrad(IReadOnlyList<Parameter> parameters, double tolerance)
    {
        if (ErrorDef <= 0 || !double.IsFinite(ErrorDef)) throw new ArgumentException($"ErrorDef must be positive, got {ErrorDef}.");
        if (tolerance <= 0) throw new ArgumentException($"Tolerance must be positive, got {tolerance}.");
        var map = new ParameterMap(parameters);
        var fcn = NewFunction(map);
        var x0 = map.ToInternal(parameters.Select(p => p.Value).ToArray());
        var outcome = VariableMetric.Minimise(fcn, x0, Minimisation.Strategy.Of(Strategy), 0.002 * tolerance * ErrorDef, CallLimit(map.InternalCount));
        return (fcn, outcome);
    }

    private int IndexOf(string name, bool requireFree)
    {
        int k = Array.FindIndex(_parameters, p => p.Name == name);
        if (k < 0) throw new ArgumentException($"No parameter named '{name}' (have: {string.Join(", ", _parameters.Select(p => p.Name))}).", nameof(name));
        if (requireFree && _parameters[k].Fixed) throw new ArgumentException($"Parameter '{name}' is fixed.", nameof(name));
        return k;
    }

    /// <summary>Start the next call from the result: values, and errors as steps (as Minuit does).</summary>
    private void AdoptValues(FitResult r)
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            var p = r.Parameters[i];
            if (_parameters[i].Fixed || !double.IsFinite(p.Value)) continue;
            double step = p.Error > 0 && double.IsFinite(p.Error) ? p.Error : _parameters[i].Step;
            double value = Math.Clamp(p.Value, _parameters[i].Lower ?? double.NegativeInfinity, _parameters[i].Upper ?? double.PositiveInfinity);
            _parameters[i] = _parameters[i] with { Value = value, Step = step };
        }
    }

    private FitResult Build(ParameterMap map, MinimumState st, List<string> reasons, bool callLimit, bool aboveMaxEdm, double seconds)
    {
        if (st.HesseFailed) reasons.Add("HESSE failed: " + st.FailureReason);
        if (st.MadePosDef) reasons.Add("covariance made positive definite");
        if (!double.IsFinite(st.Fval) && reasons.Count == 0) reasons.Add("function value is not finite");
        var cov = Covariances.External(map, st, ErrorDef, out var values, out var errors);
        var results = new ParameterResult[map.ExternalCount];
        for (int i = 0; i < results.Length; i++)
        {
            var p = map.Parameters[i];
            bool atLimit = !p.Fixed && (p.Lower is { } lo && values[i] - lo < 0.5 * errors[i] || p.Upper is { } hi && hi - values[i] < 0.5 * errors[i]);
            results[i] = new ParameterResult(p.Name, values[i], errors[i], null, p.Lower, p.Upper, p.Fixed, atLimit);
        }
        return new FitResult(results, new ReadOnlyMatrix(cov), new ReadOnlyMatrix(Covariances.Correlation(cov)), st.Fval, st.Edm,
            EdmGoal, _nfcn, _ngrad, reasons.Count == 0, reasons.Count == 0 ? null : string.Join("; ", reasons), aboveMaxEdm,
            callLimit, !st.MadePosDef && !st.HesseFailed && st.Dcovar < 0.1, st.MadePosDef, st.HesseFailed, ErrorDef, seconds);
    }
}

/// <summary>One point of a 1-D profile: the scanned value and f minimised over the other parameters.</summary>
public sealed record ProfilePoint(double Value, double Fval, bool Valid);

/// <summary>One point of a 2-D contour (external units); Valid is false when the crossing could not be found.</summary>
public sealed record ContourPoint(double X, double Y, bool Valid);
