using System.Globalization;
using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Data.Reweighting;

/// <summary>
/// One real direction in WC space: the real (<c>V_R</c>) or imaginary (<c>Im_V_R</c>) part of a coefficient. Any WC name
/// accepted by <see cref="WilsonCoefficients.Parse"/> works; <see cref="Name"/> is the canonical form.
/// </summary>
/// <param name="Index">Component of c = (1+V_L, V_R, S_L, S_R, T_L).</param>
/// <param name="Imaginary">True for the imaginary part.</param>
public readonly record struct WcComponent(int Index, bool Imaginary)
{
    private static readonly string[] Canonical = ["V_L", "V_R", "S_L", "S_R", "T_L"];

    /// <summary>Canonical name, e.g. <c>V_R</c> or <c>Im_V_R</c>.</summary>
    public string Name => (Imaginary ? "Im_" : "") + Canonical[Index];

    /// <summary>The unit step this component adds to the WC vector.</summary>
    public Complex Unit => Imaginary ? Complex.ImaginaryOne : Complex.One;

    /// <summary>Parses <c>V_R</c>, <c>Im_V_R</c>, <c>V_RL</c>, <c>V_qRlL</c>, ...</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static WcComponent Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string name = text.Trim();
        bool im = name.StartsWith("Im_", StringComparison.OrdinalIgnoreCase);
        if (im) name = name[3..];
        if (name.Length == 0 || name.Contains('=') || name.Contains(','))
            throw new FormatException($"'{text}' is not a Wilson-coefficient name (e.g. V_R or Im_V_R)");
        Complex[] c = WilsonCoefficients.Parse(name + "=1").ToVector();
        c[0] -= 1;
        for (int k = 0; k < c.Length; k++)
            if (c[k] != Complex.Zero) return new WcComponent(k, im);
        throw new FormatException($"'{text}' is not a Wilson-coefficient name");
    }

    /// <summary>Adds θ along this component to <paramref name="c"/> (in place).</summary>
    public void Add(Span<Complex> c, double theta) => c[Index] += theta * Unit;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A uniform range for a per-event θ, written <c>V_R:-1:1</c> (name:lo:hi, lo &lt; hi).</summary>
/// <param name="Component">The WC direction.</param>
/// <param name="Lo">Lower edge.</param>
/// <param name="Hi">Upper edge.</param>
public sealed record UniformThetaRange(WcComponent Component, double Lo, double Hi)
{
    /// <summary>Column holding the per-event θ: <c>theta_</c> + canonical name.</summary>
    public string ColumnName => EventSchema.ThetaPrefix + Component.Name;

    /// <summary>Parses <c>name:lo:hi</c>.</summary>
    /// <exception cref="FormatException">Malformed text, non-finite bounds or lo ≥ hi.</exception>
    public static UniformThetaRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split(':');
        if (parts.Length != 3)
            throw new FormatException($"option '--theta-uniform': '{text}' is not of the form NAME:LO:HI (e.g. V_R:-1:1)");
        var comp = WcComponent.Parse(parts[0]);
        double lo = ParseBound(parts[1], text), hi = ParseBound(parts[2], text);
        if (!(lo < hi))
            throw new FormatException($"option '--theta-uniform': '{text}': lower edge {lo} must be below upper edge {hi}");
        return new UniformThetaRange(comp, lo, hi);
    }

    private static double ParseBound(string s, string text)
    {
        if (!double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new FormatException($"option '--theta-uniform': '{text}': '{s}' is not a finite number");
        return v;
    }
}

/// <summary>
/// The seed's normalisation parabola I(θ) = A θ² + B θ + C from the direct sums of weights at θ ∈ {−½, 0, ½}.
/// </summary>
/// <param name="A">Quadratic coefficient.</param>
/// <param name="B">Linear coefficient.</param>
/// <param name="C">I(0).</param>
public sealed record Parabola(double A, double B, double C)
{
    /// <summary>Fits the parabola through (−½, iMinus), (0, iZero), (½, iPlus).</summary>
    public static Parabola FromThreePoints(double iMinus, double iZero, double iPlus) =>
        new(2 * (iPlus + iMinus - 2 * iZero), iPlus - iMinus, iZero);

    /// <summary>I(θ).</summary>
    public double Evaluate(double theta) => (A * theta + B) * theta + C;
}
