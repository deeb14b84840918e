using System.Globalization;
using System.Text;

namespace SbiFit.Inference.Minimisation;

/// <summary>Renders a <see cref="FitResult"/> like iminuit: the Migrad summary box, then the parameter table.</summary>
internal static class FitResultFormatter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Format(FitResult r)
    {
        var sb = new StringBuilder();
        const int half = 36;
        string Row(string left, string right) => $"│{Center(left, half)}│{Center(right, half)}│";
        string rule = new('─', half);
        sb.AppendLine($"┌{rule}─{rule}┐");
        sb.AppendLine($"│{Center("Migrad", 2 * half + 1)}│");
        sb.AppendLine($"├{rule}┬{rule}┤");
        sb.AppendLine(Row($"FCN = {G(r.Fval, 6)}", $"Nfcn = {r.NFcn}" + (r.NGrad > 0 ? $", Ngrad = {r.NGrad}" : "")));
        sb.AppendLine(Row($"EDM = {G(r.Edm, 2)} (Goal: {G(r.EdmGoal, 2)})", $"time = {r.Seconds.ToString("0.000", Inv)} sec"));
        sb.AppendLine($"├{rule}┼{rule}┤");
        sb.AppendLine(Row(r.IsValid ? "Valid Minimum" : "INVALID Minimum",
            r.IsAboveMaxEdm ? "ABOVE EDM threshold (goal x 10)" : "Below EDM threshold (goal x 10)"));
        sb.AppendLine($"├{rule}┼{rule}┤");
        sb.AppendLine(Row(r.HasParametersAtLimit ? "SOME parameters at limit" : "No parameters at limit",
            r.HasReachedCallLimit ? "ABOVE call limit" : "Below call limit"));
        sb.AppendLine($"├{rule}┼{rule}┤");
        sb.AppendLine(Row(r.HesseFailed ? "Hesse FAILED" : "Hesse ok",
            r.HasMadePosDefCovariance ? "Covariance FORCED pos. def." : r.HasAccurateCovariance ? "Covariance accurate" : "Covariance APPROXIMATE"));
        sb.AppendLine($"└{rule}┴{rule}┘");
        if (!r.IsValid && r.InvalidReason is not null) sb.AppendLine($"Reason: {r.InvalidReason}");

        string[] header = ["", "Name", "Value", "Hesse Err", "Minos Err-", "Minos Err+", "Limit-", "Limit+", "Fixed"];
        var rows = r.Parameters.Select((p, i) => new[]
        {
            i.ToString(Inv), p.Name, G(p.Value, 4), G(p.Error, 2),
            p.Minos is null ? "" : G(p.Minos.Lower, 2) + (p.Minos.LowerValid ? "" : " (inv)"),
            p.Minos is null ? "" : G(p.Minos.Upper, 2) + (p.Minos.UpperValid ? "" : " (inv)"),
            p.Lower is { } lo ? G(lo, 4) : "", p.Upper is { } hi ? G(hi, 4) : "",
            p.IsFixed ? "yes" : p.IsAtLimit ? "at limit" : "",
        }).ToList();
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(row => row[c].Length)) + 2).ToArray();
        string Line(char l, char m, char rgt) => l + string.Join(m, widths.Select(w => new string('─', w))) + rgt;
        string Cells(string[] cells) => "│" + string.Join("│", cells.Select((c, k) => k == 1 ? " " + c.PadRight(widths[k] - 1) : Center(c, widths[k]))) + "│";
        sb.AppendLine(Line('┌', '┬', '┐'));
        sb.AppendLine(Cells(header));
        sb.AppendLine(Line('├', '┼', '┤'));
        foreach (var row in rows) sb.AppendLine(Cells(row));
        sb.AppendLine(Line('└', '┴', '┘'));
        return sb.ToString();
    }

    private static string G(double v, int digits) => v.ToString("G" + digits.ToString(Inv), Inv);

    private static string Center(string s, int width)
    {
        if (s.Length >= width) return s;
        int left = (width - s.Length) / 2;
        return new string(' ', left) + s + new string(' ', width - s.Length - left);
    }
}
