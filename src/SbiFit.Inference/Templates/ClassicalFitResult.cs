using System.Text.Json;
using System.Text.Json.Nodes;
using SbiFit.Inference.Minimisation;

namespace SbiFit.Inference.Templates;

/// <summary>Outcome of a classical template fit.</summary>
/// <param name="Fit">The Minuit result (MIGRAD + HESSE, MINOS intervals when run).</param>
/// <param name="Bins">Number of template bins.</param>
/// <param name="SmYield">SM total the templates were normalised to.</param>
/// <param name="Data">Where the fitted counts came from.</param>
public sealed record ClassicalFitResult(FitResult Fit, int Bins, double SmYield, string Data)
{
    /// <summary>
    /// JSON with the keys of the SBI fit: <c>parameters</c> (name → {value, error, minos_lo, minos_hi}; MINOS entries
    /// null when not run or not valid), <c>nll_min</c>, <c>edm</c>, <c>nfcn</c>, <c>valid</c>, <c>seconds</c>, plus
    /// <c>likelihood: "classical"</c>, <c>bins</c>, <c>sm_yield</c>, <c>data</c>.
    /// </summary>
    public string ToJson()
    {
        var parameters = new JsonObject();
        foreach (var p in Fit.Parameters)
        {
            parameters[p.Name] = new JsonObject
            {
                ["value"] = Number(p.Value),
                ["error"] = Number(p.Error),
                ["minos_lo"] = p.Minos is { LowerValid: true } m1 ? Number(m1.Lower) : null,
                ["minos_hi"] = p.Minos is { UpperValid: true } m2 ? Number(m2.Upper) : null,
            };
        }
        var root = new JsonObject
        {
            ["likelihood"] = "classical",
            ["parameters"] = parameters,
            ["nll_min"] = Number(Fit.Fval),
            ["edm"] = Number(Fit.Edm),
            ["nfcn"] = Fit.NFcn,
            ["valid"] = Fit.IsValid,
            ["invalid_reason"] = Fit.InvalidReason,
            ["seconds"] = Fit.Seconds,
            ["bins"] = Bins,
            ["sm_yield"] = Number(SmYield),
            ["data"] = Data,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Minuit's iminuit-style table preceded by the data and bin count.</summary>
    public override string ToString() => $"classical template fit: {Bins} bins, SM yield {SmYield:G6}, data: {Data}\n{Fit}";

    // JSON has no NaN/inf: write null instead.
    private static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;
}
