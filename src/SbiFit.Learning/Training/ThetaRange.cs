using System.Globalization;
using SbiFit.Physics;

namespace SbiFit.Learning;

/// <summary>A theta component and the interval its training values are drawn from, uniformly.</summary>
public sealed record ThetaRange
{
    /// <summary>Creates a range; <paramref name="lo"/> must be below <paramref name="hi"/>, both finite.</summary>
    public ThetaRange(string name, double lo, double hi)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("theta range needs a name (e.g. V_R:-1:1).", nameof(name));
        if (!double.IsFinite(lo) || !double.IsFinite(hi))
            throw new ArgumentException($"theta range '{name}': bounds must be finite (got {lo}, {hi}).", nameof(lo));
        if (!(lo < hi)) throw new ArgumentException($"theta range '{name}': lo ({lo}) must be below hi ({hi}).", nameof(lo));
        Name = name; Lo = lo; Hi = hi;
    }

    /// <summary>Theta component name (a Wilson coefficient such as <c>V_R</c>).</summary>
    public string Name { get; }
    /// <summary>Lower bound.</summary>
    public double Lo { get; }
    /// <summary>Upper bound.</summary>
    public double Hi { get; }

    /// <summary>Parses <c>NAME:LO:HI</c>, e.g. <c>V_R:-1:1</c> (invariant culture).</summary>
    public static ThetaRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(':');
        if (parts.Length != 3)
            throw new ArgumentException($"theta range '{text}' must look like NAME:LO:HI, e.g. V_R:-1:1.", nameof(text));
        if (!double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double lo) ||
            !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double hi))
            throw new ArgumentException($"theta range '{text}': LO and HI must be numbers.", nameof(text));
        return new ThetaRange(parts[0].Trim(), lo, hi);
    }

    /// <summary>Draws a value uniformly in [Lo, Hi).</summary>
    public double Sample(Rng rng) => rng.Uniform(Lo, Hi);

    /// <summary>Formats as <c>NAME:LO:HI</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}:{Lo}:{Hi}");
}
