namespace SbiFit.Inference.Minimisation;

/// <summary>An immutable square matrix (covariance or correlation, external parameter order).</summary>
public sealed class ReadOnlyMatrix
{
    private readonly double[,] _values;

    /// <summary>Copies <paramref name="values"/>.</summary>
    public ReadOnlyMatrix(double[,] values) => _values = (double[,])values.Clone();

    /// <summary>Number of rows (= columns).</summary>
    public int Size => _values.GetLength(0);

    /// <summary>Element (i, j).</summary>
    public double this[int i, int j] => _values[i, j];

    /// <summary>A mutable copy.</summary>
    public double[,] ToArray() => (double[,])_values.Clone();
}

/// <summary>A MINOS interval: <see cref="Lower"/> is negative (value + Lower is the lower end), as in iminuit.</summary>
public sealed record MinosError(double Lower, double Upper, bool LowerValid, bool UpperValid, string? LowerReason, string? UpperReason, int NFcn)
{
    /// <summary>Both sides found.</summary>
    public bool IsValid => LowerValid && UpperValid;
}

/// <summary>Result for one parameter (external units).</summary>
public sealed record ParameterResult(string Name, double Value, double Error, MinosError? Minos, double? Lower, double? Upper,
    bool IsFixed, bool IsAtLimit);

/// <summary>
/// The state after MIGRAD / HESSE / MINOS: parameters with HESSE (or MIGRAD-estimate) errors and MINOS intervals,
/// covariance and correlation (external units, rows of fixed parameters are zero), FCN value, EDM, call counts and
/// validity flags as iminuit reports them.
/// </summary>
public sealed record FitResult(
    IReadOnlyList<ParameterResult> Parameters,
    ReadOnlyMatrix Covariance,
    ReadOnlyMatrix Correlation,
    double Fval,
    double Edm,
    double EdmGoal,
    int NFcn,
    int NGrad,
    bool IsValid,
    string? InvalidReason,
    bool IsAboveMaxEdm,
    bool HasReachedCallLimit,
    bool HasAccurateCovariance,
    bool HasMadePosDefCovariance,
    bool HesseFailed,
    double ErrorDef,
    double Seconds)
{
    /// <summary>Parameter names in order.</summary>
    public IReadOnlyList<string> Names => Parameters.Select(p => p.Name).ToArray();

    /// <summary>Parameter values in order.</summary>
    public IReadOnlyList<double> Values => Parameters.Select(p => p.Value).ToArray();

    /// <summary>HESSE (or MIGRAD-estimate) errors in order.</summary>
    public IReadOnlyList<double> Errors => Parameters.Select(p => p.Error).ToArray();

    /// <summary>True when any free parameter ends within half an error of a limit.</summary>
    public bool HasParametersAtLimit => Parameters.Any(p => p.IsAtLimit);

    /// <summary>The parameter called <paramref name="name"/> (ArgumentException naming it when absent).</summary>
    public ParameterResult this[string name] =>
        Parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"No parameter named '{name}' in the fit result (have: {string.Join(", ", Names)}).", nameof(name));

    /// <summary>iminuit-style summary box and parameter table.</summary>
    public override string ToString() => FitResultFormatter.Format(this);
}
