using System.Globalization;
using System.Numerics;

namespace SbiFit.Physics;

/// <summary>
/// Complex Wilson coefficients of physics-reference §1.1 (b → c ℓ ν̄ direction, μ = m_b); all zero in the SM.
/// </summary>
/// <param name="VL">V_L (HAMMER <c>V_qLlL</c>).</param>
/// <param name="VR">V_R (HAMMER <c>V_qRlL</c>).</param>
/// <param name="SL">S_L (HAMMER <c>S_qLlL</c>).</param>
/// <param name="SR">S_R (HAMMER <c>S_qRlL</c>).</param>
/// <param name="TL">T_L (HAMMER <c>T_qLlL</c>).</param>
public sealed record WilsonCoefficients(Complex VL, Complex VR, Complex SL, Complex SR, Complex TL)
{
    /// <summary>Standard Model: all new-physics coefficients zero.</summary>
    public static WilsonCoefficients Sm { get; } = new(Complex.Zero, Complex.Zero, Complex.Zero, Complex.Zero, Complex.Zero);

    private static readonly string[] CanonicalNames = ["V_L", "V_R", "S_L", "S_R", "T_L"];

    // Accepted spellings → index in (V_L, V_R, S_L, S_R, T_L): ours, HAMMER, seed talk.
    private static readonly Dictionary<string, int> NameIndex = new(StringComparer.OrdinalIgnoreCase)
    {
        ["V_L"] = 0, ["V_R"] = 1, ["S_L"] = 2, ["S_R"] = 3, ["T_L"] = 4,
        ["V_qLlL"] = 0, ["V_qRlL"] = 1, ["S_qLlL"] = 2, ["S_qRlL"] = 3, ["T_qLlL"] = 4,
        ["V_LL"] = 0, ["V_RL"] = 1, ["S_LL"] = 2, ["S_RL"] = 3, ["T_LL"] = 4,
    };

    /// <summary>The WC vector c = (1 + V_L, V_R, S_L, S_R, T_L) of §1.1.</summary>
    public Complex[] ToVector() => [1 + VL, VR, SL, SR, TL];

    /// <summary>Writes c = (1 + V_L, V_R, S_L, S_R, T_L) into a 5-element span.</summary>
    public void WriteVector(Span<Complex> c)
    {
        c[0] = 1 + VL; c[1] = VR; c[2] = SL; c[3] = SR; c[4] = TL;
    }

    private Complex Get(int i) => i switch { 0 => VL, 1 => VR, 2 => SL, 3 => SR, _ => TL };

    /// <summary>
    /// Parses a comma- or semicolon-separated list <c>name=value</c> (e.g. <c>V_R=0.5</c>, <c>S_L=0.1+0.2i,T_L=-0.05</c>,
    /// <c>V_R=-0.3i</c>). Names: V_L V_R S_L S_R T_L, HAMMER V_qLlL V_qRlL S_qLlL S_qRlL T_qLlL, or seed V_LL V_RL S_LL
    /// S_RL T_LL (case-insensitive). An empty string or <c>SM</c> gives the SM.
    /// </summary>
    /// <exception cref="FormatException">Unknown name, duplicate coefficient or malformed number.</exception>
    public static WilsonCoefficients Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var values = new Complex[5];
        var seen = new string?[5];
        string trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed.Equals("SM", StringComparison.OrdinalIgnoreCase)) return Sm;
        foreach (string raw in trimmed.Split([',', ';']))
        {
            string token = raw.Trim();
            if (token.Length == 0)
                throw new FormatException($"Wilson coefficients '{text}': empty entry (stray separator).");
            int eq = token.IndexOf('=');
            if (eq < 0)
                throw new FormatException($"Wilson coefficients: entry '{token}' is not of the form name=value.");
            string name = token[..eq].Trim();
            if (!NameIndex.TryGetValue(name, out int index))
                throw new FormatException(
                    $"Wilson coefficients: unknown coefficient '{name}' in '{token}'; expected one of " +
                    "V_L, V_R, S_L, S_R, T_L (or HAMMER V_qLlL, V_qRlL, S_qLlL, S_qRlL, T_qLlL; or V_LL, V_RL, S_LL, S_RL, T_LL).");
            if (seen[index] is { } previous)
                throw new FormatException(
                    $"Wilson coefficients: '{name}' sets {CanonicalNames[index]}, which was already set by '{previous}'.");
            seen[index] = token;
            values[index] = ParseComplex(token[(eq + 1)..], token);
        }
        return new WilsonCoefficients(values[0], values[1], values[2], values[3], values[4]);
    }

    /// <summary>Parses a complex number written as <c>a</c>, <c>bi</c>, <c>a+bi</c> or <c>a-bi</c>.</summary>
    private static Complex ParseComplex(string valueText, string token)
    {
        string s = valueText.Replace(" ", "", StringComparison.Ordinal);
        if (s.Length == 0) throw new FormatException($"Wilson coefficients: missing value in '{token}'.");
        if (!s.EndsWith('i') && !s.EndsWith('I')) return new Complex(ParseReal(s, token), 0);
        string body = s[..^1];
        // The real/imaginary split is the last sign that is neither leading nor part of an exponent.
        int split = -1;
        for (int k = body.Length - 1; k > 0; k--)
        {
            if ((body[k] == '+' || body[k] == '-') && body[k - 1] is not ('e' or 'E')) { split = k; break; }
        }
        string re = split < 0 ? "" : body[..split];
        string im = split < 0 ? body : body[split..];
        if (im is "" or "+") im = "1";
        else if (im == "-") im = "-1";
        return new Complex(re.Length == 0 ? 0 : ParseReal(re, token), ParseReal(im, token));
    }

    private static double ParseReal(string s, string token)
    {
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new FormatException($"Wilson coefficients: malformed number '{s}' in '{token}'.");
        return v;
    }

    /// <summary>Canonical text, e.g. <c>V_R=0.5,T_L=0.1-0.2i</c> (only non-zero entries; <c>SM</c> if none); round-trips through <see cref="Parse"/>.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            Complex v = Get(i);
            if (v != Complex.Zero) parts.Add($"{CanonicalNames[i]}={FormatComplex(v)}");
        }
        return parts.Count == 0 ? "SM" : string.Join(",", parts);
    }

    private static string FormatComplex(Complex v)
    {
        string Fmt(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        if (v.Imaginary == 0) return Fmt(v.Real);
        string im = Fmt(v.Imaginary) + "i";
        if (v.Real == 0) return im;
        return Fmt(v.Real) + (v.Imaginary < 0 ? "" : "+") + im;
    }
}
