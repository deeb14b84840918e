using ScottPlot;
using SbiFit.Data;

namespace SbiFit.Reporting;

/// <summary>
/// Diagnostic plots rendered headlessly with ScottPlot to PNG bytes. Every method returns the PNG; write it with
/// <see cref="Save"/> (atomic). Text needs fonts under /usr/share/fonts (e.g. Debian's fonts-dejavu-core):
/// without them ScottPlot silently draws no text.
/// </summary>
public static class Plots
{
    /// <summary>Default image width in pixels.</summary>
    public const int DefaultWidth = 800;

    /// <summary>Default image height in pixels.</summary>
    public const int DefaultHeight = 600;

    /// <summary>Writes PNG bytes to <paramref name="path"/> atomically (temporary file + rename).</summary>
    public static void Save(string path, byte[] png) => AtomicFile.WriteAllBytes(path, png);

    /// <summary>
    /// Overlaid step histograms with a legend, one per series (optional per-event weights). Range defaults to the
    /// finite min/max of all series; non-finite values and values outside [lo, hi] are ignored. With
    /// <paramref name="normalise"/> each histogram has unit area over the range (a density), else bin contents are sums of weights.
    /// </summary>
    public static byte[] HistogramOverlay(string title, string xLabel,
        IReadOnlyList<(string Label, double[] Values, double[]? Weights)> series,
        int bins = 50, double? lo = null, double? hi = null, bool normalise = true,
        int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0) throw new ArgumentException("need at least one series to plot", nameof(series));
        var (low, high) = WeightedHistogram.Range(series.Select(s => s.Values), lo, hi);
        var plot = NewPlot(title, xLabel, normalise ? "density" : "weighted events");
        foreach (var s in series)
        {
            var h = WeightedHistogram.Fill(s.Values, s.Weights, bins, low, high, s.Label);
            if (normalise) h.NormaliseToUnitArea();
            // Step outline: repeat the last bin content at the upper edge so the last step is drawn.
            var ys = new double[bins + 1];
            h.Contents.CopyTo(ys, 0);
            ys[bins] = h.Contents[bins - 1];
            var line = plot.Add.Scatter(h.Edges, ys);
            line.ConnectStyle = ConnectStyle.StepHorizontal;
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = s.Label;
        }
        plot.Axes.SetLimitsX(low, high);
        return Render(plot, width, height);
    }

    /// <summary>
    /// Line curves (e.g. training/validation loss, NLL scans) with a legend, plus optional dashed horizontal
    /// reference lines (e.g. Δ(2NLL) = 1 and 4).
    /// </summary>
    public static byte[] Lines(string title, string xLabel, string yLabel,
        IReadOnlyList<(string Label, double[] X, double[] Y)> curves,
        IReadOnlyList<double>? referenceLines = null, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var plot = NewPlot(title, xLabel, yLabel);
        foreach (var c in curves)
        {
            CheckSameLength(c.X, c.Y, c.Label);
            var line = plot.Add.Scatter(c.X, c.Y);
            line.MarkerSize = c.X.Length > 50 ? 0 : 4;
            line.LineWidth = 2;
            line.LegendText = c.Label;
        }
        AddReferenceLines(plot, referenceLines);
        return Render(plot, width, height);
    }

    /// <summary>
    /// Scatter plot of y against x. When there are more than <paramref name="maxPoints"/> points an evenly strided,
    /// deterministic subset is drawn.
    /// </summary>
    public static byte[] Scatter(string title, string xLabel, string yLabel, double[] x, double[] y,
        int maxPoints = 20_000, int width = DefaultWidth, int height = DefaultHeight)
    {
        CheckSameLength(x, y, "scatter");
        if (maxPoints < 1) throw new ArgumentOutOfRangeException(nameof(maxPoints), maxPoints, "must be at least 1");
        var (xs, ys) = Thin(x, y, maxPoints);
        var plot = NewPlot(title, xLabel, yLabel);
        var points = plot.Add.ScatterPoints(xs, ys);
        points.MarkerSize = 3;
        return Render(plot, width, height);
    }

    /// <summary>
    /// Points with vertical error bars (e.g. the binned true ratio p(x|θ)/p(x|θ0) with its statistical errors) overlaid with
    /// a line (e.g. the learned ratio), plus optional dashed horizontal reference lines (e.g. 1).
    /// </summary>
    public static byte[] RatioWithErrors(string title, string xLabel, string yLabel,
        (string Label, double[] X, double[] Y, double[] YError) points,
        (string Label, double[] X, double[] Y)? line = null,
        IReadOnlyList<double>? referenceLines = null, int width = DefaultWidth, int height = DefaultHeight)
    {
        CheckSameLength(points.X, points.Y, points.Label);
        CheckSameLength(points.X, points.YError, points.Label + " errors");
        var plot = NewPlot(title, xLabel, yLabel);
        var bars = plot.Add.ErrorBar(points.X, points.Y, points.YError);
        bars.LineWidth = 1.5f;
        var markers = plot.Add.ScatterPoints(points.X, points.Y);
        markers.MarkerSize = 6;
        markers.Color = bars.Color;
        markers.LegendText = points.Label;
        if (line is { } l)
        {
            CheckSameLength(l.X, l.Y, l.Label);
            var curve = plot.Add.ScatterLine(l.X, l.Y);
            curve.LineWidth = 2;
            curve.LegendText = l.Label;
        }
        AddReferenceLines(plot, referenceLines);
        return Render(plot, width, height);
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        if (!string.IsNullOrEmpty(title)) plot.Title(title);
        if (!string.IsNullOrEmpty(xLabel)) plot.XLabel(xLabel);
        if (!string.IsNullOrEmpty(yLabel)) plot.YLabel(yLabel);
        return plot;
    }

    private static byte[] Render(Plot plot, int width, int height)
    {
        if (width < 50 || height < 50) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}x{height} is too small");
        if (plot.GetPlottables().Any(p => !string.IsNullOrEmpty(p.LegendItems.FirstOrDefault()?.LabelText)))
            plot.ShowLegend(Alignment.UpperRight);
        using var image = plot.GetImage(width, height);
        return image.GetImageBytes(ImageFormat.Png, 100);
    }

    private static void AddReferenceLines(Plot plot, IReadOnlyList<double>? ys)
    {
        if (ys is null) return;
        foreach (var y in ys)
        {
            var h = plot.Add.HorizontalLine(y);
            h.LinePattern = LinePattern.Dashed;
            h.LineWidth = 1;
            h.Color = Colors.Gray;
        }
    }

    private static (double[] X, double[] Y) Thin(double[] x, double[] y, int maxPoints)
    {
        if (x.Length <= maxPoints) return (x, y);
        var xs = new double[maxPoints];
        var ys = new double[maxPoints];
        double stride = (double)x.Length / maxPoints;
        for (int i = 0; i < maxPoints; i++)
        {
            int j = (int)(i * stride);
            xs[i] = x[j];
            ys[i] = y[j];
        }
        return (xs, ys);
    }

    private static void CheckSameLength(double[] x, double[] y, string label)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length)
            throw new ArgumentException($"series '{label}': x has {x.Length} values but y has {y.Length}");
    }
}
