using System.Numerics;

namespace SbiFit.Inference.Likelihood;

/// <summary>
/// Maps a vector of real fit parameters onto the complex WC vector c = (1+V_L, V_R, S_L, S_R, T_L).
/// A parameter named <c>V_R</c> (or an alias such as <c>V_RL</c>, <c>V_qRlL</c>) is Re V_R; <c>Im_V_R</c> is Im V_R.
/// Other WCs are held at a fixed base point (the SM unless given).
/// </summary>
public sealed class WilsonParameterMap
{
    private static readonly Dictionary<string, int> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["V_L"] = 0, ["V_LL"] = 0, ["V_qLlL"] = 0, ["CVL"] = 0,
        ["V_R"] = 1, ["V_RL"] = 1, ["V_qRlL"] = 1, ["CVR"] = 1,
        ["S_L"] = 2, ["S_LL"] = 2, ["S_qLlL"] = 2, ["CSL"] = 2,
        ["S_R"] = 3, ["S_RL"] = 3, ["S_qRlL"] = 3, ["CSR"] = 3,
        ["T_L"] = 4, ["T_LL"] = 4, ["T_qLlL"] = 4, ["CT"] = 4,
    };

    private static readonly string[] Canonical = { "V_L", "V_R", "S_L", "S_R", "T_L" };

    private readonly int[] _index;
    private readonly bool[] _imaginary;
    private readonly Complex[] _base;

    /// <summary>Builds the map for the given parameter names; <paramref name="basePoint"/> is c at all parameters zero.</summary>
    public WilsonParameterMap(IReadOnlyList<string> names, IReadOnlyList<Complex>? basePoint = null)
    {
        _index = new int[names.Count];
        _imaginary = new bool[names.Count];
        var seen = new HashSet<(int, bool)>();
        for (int k = 0; k < names.Count; k++)
        {
            string n = names[k].Trim();
            bool im = false;
            foreach (var prefix in new[] { "Im_", "Im(", "im_" })
                if (n.StartsWith(prefix, StringComparison.Ordinal)) { im = true; n = n[prefix.Length..].TrimEnd(')'); }
            foreach (var prefix in new[] { "Re_", "Re(", "re_" })
                if (n.StartsWith(prefix, StringComparison.Ordinal)) { n = n[prefix.Length..].TrimEnd(')'); }
            if (!Aliases.TryGetValue(n, out int idx))
                throw new ArgumentException($"Unknown Wilson-coefficient parameter '{names[k]}'. Known: V_L, V_R, S_L, S_R, T_L " +
                                            "(aliases V_RL, S_LL, T_LL, V_qRlL, ...; prefix Im_ for an imaginary part).");
            if (!seen.Add((idx, im))) throw new ArgumentException($"Parameter '{names[k]}' names the same WC component as an earlier parameter.");
            _index[k] = idx;
            _imaginary[k] = im;
        }
        Names = names.ToArray();
        _base = basePoint?.ToArray() ?? new Complex[] { 1, 0, 0, 0, 0 };
        if (_base.Length != 5) throw new ArgumentException("The base point must have five complex components.");
    }

    /// <summary>Parameter names as given.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Canonical name of the WC a parameter acts on, e.g. <c>V_R</c> for <c>V_RL</c>.</summary>
    public string CanonicalName(int k) => (_imaginary[k] ? "Im_" : "") + Canonical[_index[k]];

    /// <summary>Number of parameters.</summary>
    public int Count => _index.Length;

    /// <summary>Coefficient names in c order (c₀ is 1 + V_L).</summary>
    public static IReadOnlyList<string> CoefficientNames { get; } = Canonical;

    /// <summary>Index into c and real/imaginary flag of parameter k.</summary>
    public (int Index, bool Imaginary) Component(int k) => (_index[k], _imaginary[k]);

    /// <summary>
    /// Writes c(p) into <paramref name="c"/> (length 5). Values after the first <see cref="Count"/> are ignored, so a
    /// likelihood can keep nuisance parameters (e.g. a normalisation) at the end of its vector.
    /// </summary>
    public void Map(ReadOnlySpan<double> p, Span<Complex> c)
    {
        if (p.Length < _index.Length) throw new ArgumentException($"Expected {_index.Length} parameter values, got {p.Length}.");
        _base.CopyTo(c);
        for (int k = 0; k < _index.Length; k++)
            c[_index[k]] += _imaginary[k] ? new Complex(0, p[k]) : new Complex(p[k], 0);
    }

    /// <summary>c(p) as a new array (extra trailing values ignored, see <see cref="Map(ReadOnlySpan{double}, Span{Complex})"/>).</summary>
    public Complex[] Map(ReadOnlySpan<double> p)
    {
        var c = new Complex[5];
        Map(p, c);
        return c;
    }

    /// <summary>c for parameter values p.</summary>
    public Complex[] ToC(ReadOnlySpan<double> p)
    {
        if (p.Length != _index.Length) throw new ArgumentException($"Expected {_index.Length} parameter values, got {p.Length}.");
        return Map(p);
    }

    /// <summary>∂c/∂p_k (a unit vector in c-space).</summary>
    public Complex[] Direction(int k)
    {
        var d = new Complex[5];
        d[_index[k]] = _imaginary[k] ? Complex.ImaginaryOne : Complex.One;
        return d;
    }
}
