using System.Text;
using System.Text.Json;
using SbiFit.Data;
using SbiFit.Inference.Minimisation;

namespace SbiFit.Inference.Statistics;

/// <summary>One parameter of a <see cref="FitSummary"/>: MINOS ends are offsets (lo negative), NaN without MINOS.</summary>
public sealed record ParameterSummary(string Name, double Value, double Error, double MinosLo, double MinosHi);

/// <summary>
/// The JSON contract of a fit (issue 4): <c>parameters</c> (name → value, error, minos_lo, minos_hi), <c>nll_min</c>,
/// <c>edm</c>, <c>nfcn</c>, <c>valid</c>, <c>seconds</c>, plus <c>likelihood</c>, <c>backend</c>, <c>poi</c> and
/// <c>invalid_reason</c>. Non-finite numbers (e.g. no MINOS) are written as null.
/// </summary>
public sealed record FitSummary(IReadOnlyList<ParameterSummary> Parameters, double NllMin, double Edm, int NFcn, bool Valid,
    double Seconds, string? InvalidReason, string Likelihood = "", string Backend = "")
{
    /// <summary>Summarises a MINUIT result.</summary>
    public static FitSummary From(FitResult r, string likelihood = "", string backend = "") =>
        new(r.Parameters.Select(p => new ParameterSummary(p.Name, p.Value, p.Error,
                p.Minos is { LowerValid: true } m ? m.Lower : double.NaN,
                p.Minos is { UpperValid: true } u ? u.Upper : double.NaN)).ToArray(),
            r.Fval, r.Edm, r.NFcn, r.IsValid, r.Seconds, r.InvalidReason, likelihood, backend);

    /// <summary>The parameter called <paramref name="name"/>.</summary>
    public ParameterSummary this[string name] =>
        Parameters.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"No parameter '{name}' in the fit summary.");

    /// <summary>Indented JSON text.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            j.WriteStartObject();
            j.WriteStartObject("parameters");
            foreach (var p in Parameters)
            {
                j.WriteStartObject(p.Name);
                Number(j, "value", p.Value);
                Number(j, "error", p.Error);
                Number(j, "minos_lo", p.MinosLo);
                Number(j, "minos_hi", p.MinosHi);
                j.WriteEndObject();
            }
            j.WriteEndObject();
            Number(j, "nll_min", NllMin);
            Number(j, "edm", Edm);
            j.WriteNumber("nfcn", NFcn);
            j.WriteBoolean("valid", Valid);
            Number(j, "seconds", Seconds);
            if (InvalidReason is null) j.WriteNull("invalid_reason"); else j.WriteString("invalid_reason", InvalidReason);
            j.WriteString("likelihood", Likelihood);
            j.WriteString("backend", Backend);
            j.WriteStartArray("poi");
            foreach (var p in Parameters) j.WriteStringValue(p.Name);
            j.WriteEndArray();
            j.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes <see cref="ToJson"/> atomically (temp file + rename).</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, ToJson());

    private static void Number(Utf8JsonWriter j, string name, double v)
    {
        if (double.IsFinite(v)) j.WriteNumber(name, v); else j.WriteNull(name);
    }
}

/// <summary>Options of one MIGRAD + HESSE (+ MINOS) fit.</summary>
/// <param name="Minos">Run MINOS on every POI.</param>
/// <param name="Tolerance">MIGRAD tolerance (EDM goal 0.002 · Tolerance · 0.5).</param>
/// <param name="Strategy">Minuit strategy 0/1/2.</param>
public sealed record FitOptions(bool Minos = false, double Tolerance = 0.1, int Strategy = 1);

/// <summary>Runs the standard fit sequence on an NLL.</summary>
public static class Fitter
{
    /// <summary>MIGRAD, then HESSE, then MINOS when requested and the minimum is valid. Returns the Minuit (for scans) and result.</summary>
    public static (Minuit Minuit, FitResult Result) Fit(IObjective nll, IReadOnlyList<Parameter> parameters, FitOptions? options = null)
    {
        options ??= new FitOptions();
        var m = new Minuit(nll, parameters) { ErrorDef = 0.5, Tolerance = options.Tolerance, Strategy = options.Strategy };
        var r = m.Migrad();
        if (r.IsValid) r = m.Hesse();
        if (options.Minos && r.IsValid) r = m.Minos();
        return (m, r);
    }
}
