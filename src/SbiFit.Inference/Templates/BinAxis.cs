using System.Globalization;

namespace SbiFit.Inference.Templates;

/// <summary>
/// Bin edges of one observable. Values below the first edge fold into the first bin and values at or above the last
/// edge into the last bin (under/overflow are never dropped, so every event lands in a bin); NaN is an error.
/// </summary>
public sealed class BinAxis
{
    private readonly double[] _edges;

    /// <summary>Creates an axis; the edges must be finite and strictly increasing, at least two of them.</summary>
    public BinAxis(string observable, IReadOnlyList<double> edges)
    {
        if (string.IsNullOrWhiteSpace(observable)) throw new TemplateException("A bin axis needs an observable name.");
        ArgumentNullException.ThrowIfNull(edges);
        if (edges.Count < 2)
            throw new TemplateException($"Binning of '{observable}': needs at least 2 edges (1 bin), got {edges.Count}.");
        _edges = edges.ToArray();
        for (int i = 0; i < _edges.Length; i++)
        {
            if (!double.IsFinite(_edges[i]))
                throw new TemplateException($"Binning of '{observable}': edge {i} is {_edges[i]}, edges must be finite.");
            if (i > 0 && !(_edges[i] > _edges[i - 1]))
                throw new TemplateException(
                    $"Binning of '{observable}': edges must be strictly increasing, but edge {i} = {_edges[i]} follows {_edges[i - 1]}.");
        }
        Observable = observable;
    }

    /// <summary>Column name of the observable (see <c>SbiFit.Data.EventSchema</c>).</summary>
    public string Observable { get; }

    /// <summary>The bin edges (length = <see cref="Bins"/> + 1).</summary>
    public IReadOnlyList<double> Edges => _edges;

    /// <summary>Number of bins.</summary>
    public int Bins => _edges.Length - 1;

    /// <summary>Bin of value <paramref name="x"/>, clamping out-of-range values into the edge bins.</summary>
    public int Index(double x)
    {
        if (double.IsNaN(x)) throw new TemplateException($"Column '{Observable}': value is NaN, cannot assign a bin.");
        int pos = Array.BinarySearch(_edges, x);
        // Found: x sits on edge pos, which opens bin pos. Not found: ~pos is the first edge above x.
        int bin = pos >= 0 ? pos : ~pos - 1;
        return Math.Clamp(bin, 0, _edges.Length - 2);
    }

    /// <summary>Spec fragment with explicit edges, e.g. <c>q2:0,2.5,5</c> (round-trip formatting).</summary>
    public string ToSpec() =>
        Observable + ":" + string.Join(",", _edges.Select(e => e.ToString("R", CultureInfo.InvariantCulture)));
}
