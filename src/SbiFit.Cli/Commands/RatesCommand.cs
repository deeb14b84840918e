using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SbiFit.Data.Simulation;
using SbiFit.Physics;

namespace SbiFit.Cli.Commands;

/// <summary>
/// <c>sbifit rates</c>: total rate, branching fraction, F_L, A_FB, ratio to the SM and the rate quadratic form M
/// (Γ(c)/Γ_SM = c M c†). JSON keys: gamma_gev, branching_fraction, f_l, a_fb, ratio_to_sm, rate_matrix (5×5 rows of
/// [re, im] pairs, basis c = (1+V_L, V_R, S_L, S_R, T_L), normalised to Γ_SM), lepton, wilson_coefficients.
/// </summary>
internal static class RatesCommand
{
    public static Command Create(CliConsole console)
    {
        var wc = new Option<string>("--wc") { Description = "Wilson coefficients, e.g. \"V_R=0.5\" or \"S_L=0.1+0.2i,T_L=-0.05\".", DefaultValueFactory = _ => "SM" };
        var lepton = new Option<string>("--lepton") { Description = "Charged lepton: mu, e or tau.", DefaultValueFactory = _ => "mu" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var cmd = new Command("rates", "Integrated rate, branching fraction, F_L, A_FB and the rate quadratic form for a WC point.")
        {
            wc, lepton, json,
        };
        cmd.SetSafeAction(console, parse =>
        {
            var c = WilsonCoefficients.Parse(parse.GetValue(wc)!);
            var lep = SampleSimulation.ParseLepton(parse.GetValue(lepton)!);
            RateSummary r = DecayRates.Compute(c, lep);
            console.Out.Write(parse.GetValue(json) ? ToJson(r) : ToTable(r));
            return 0;
        });
        return cmd;
    }

    internal static string ToJson(RateSummary r)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("lepton", SampleSimulation.LeptonName(r.Lepton));
            w.WriteString("wilson_coefficients", r.Coefficients.ToString());
            w.WriteNumber("gamma_gev", r.GammaGeV);
            w.WriteNumber("branching_fraction", r.BranchingFraction);
            w.WriteNumber("f_l", r.FL);
            w.WriteNumber("a_fb", r.AFB);
            w.WriteNumber("ratio_to_sm", r.RatioToSm);
            w.WriteStartArray("rate_matrix");
            for (int i = 0; i < 5; i++)
            {
                w.WriteStartArray();
                for (int j = 0; j < 5; j++)
                {
                    var m = r.Matrix[i, j];
                    w.WriteStartArray();
                    w.WriteNumberValue(m.Real);
                    w.WriteNumberValue(m.Imaginary);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + Environment.NewLine;
    }

    private static string ToTable(RateSummary r)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"B0 -> D*- {SampleSimulation.LeptonName(r.Lepton)}+ nu at {r.Coefficients}");
        sb.AppendLine(inv, $"  Gamma               {r.GammaGeV:E6} GeV");
        sb.AppendLine(inv, $"  branching fraction  {r.BranchingFraction * 100:F4} %");
        sb.AppendLine(inv, $"  ratio to SM         {r.RatioToSm:F6}");
        sb.AppendLine(inv, $"  F_L                 {r.FL:F4}");
        sb.AppendLine(inv, $"  A_FB                {r.AFB:F4}");
        sb.AppendLine("rate quadratic form M (Gamma/Gamma_SM = c M c^+, c = (1+V_L, V_R, S_L, S_R, T_L)):");
        string[] names = ["1+V_L", "V_R", "S_L", "S_R", "T_L"];
        sb.Append(string.Empty.PadRight(7));
        foreach (var n in names) sb.Append(n.PadLeft(22));
        sb.AppendLine();
        for (int i = 0; i < 5; i++)
        {
            sb.Append(names[i].PadRight(7));
            for (int j = 0; j < 5; j++)
            {
                var m = r.Matrix[i, j];
                sb.Append(string.Create(inv, $"{m.Real,10:F5}{(m.Imaginary < 0 ? "-" : "+")}{Math.Abs(m.Imaginary):F5}i").PadLeft(22));
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }
}
