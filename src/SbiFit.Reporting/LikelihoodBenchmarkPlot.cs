using System.Globalization;
using ScottPlot;
using SbiFit.Codegen.Backends;
using SkiaSharp;

namespace SbiFit.Reporting;

/// <summary>
/// The plot of <c>sbifit bench likelihood</c>: median seconds per value + gradient and per MIGRAD + HESSE fit against
/// the number of events (log-log), one line per backend, one row of two panels per n_θ, plus the Roslyn compile time
/// of the generated backends (dashed, on the fit panel) and the machine line as the caption.
/// </summary>
public static class LikelihoodBenchmarkPlot
{
    /// <summary>Width of one panel in pixels (the image is two panels wide).</summary>
    public const int PanelWidth = 640;

    /// <summary>Height of one panel in pixels.</summary>
    public const int PanelHeight = 440;

    /// <summary>Height of the caption strip above the panels in pixels.</summary>
    public const int CaptionHeight = 70;

    /// <summary>Image width in pixels.</summary>
    public const int Width = 2 * PanelWidth;

    /// <summary>Image height for <paramref name="thetaCounts"/> distinct n_θ values (one panel row each).</summary>
    public static int Height(int thetaCounts) => CaptionHeight + thetaCounts * PanelHeight;

    static readonly string[] BackendOrder = ["runtime", "interpreted", "codegen", "codegen-ad"];

    /// <summary>
    /// Renders the rows of one benchmark run as PNG bytes (write with <see cref="Plots.Save"/>). Rows with a
    /// non-positive time are left out of that panel (a log axis cannot show them).
    /// </summary>
    public static byte[] Render(string machine, IReadOnlyList<LikelihoodBenchmarkRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("no benchmark rows to plot", nameof(rows));
        var thetas = rows.Select(r => r.NTheta).Distinct().Order().ToArray();
        int height = Height(thetas.Length);
        using var surface = SKSurface.Create(new SKImageInfo(Width, height)) ?? throw new InvalidOperationException("could not create a drawing surface");
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);

        var caption = new Plot();
        caption.HideAxesAndGrid();
        caption.Title("sbifit bench likelihood: median seconds (log-log)\n" + machine);
        caption.Axes.Title.Label.FontSize = 16;
        Draw(canvas, caption, 0, 0, Width, CaptionHeight);
        for (int i = 0; i < thetas.Length; i++)
        {
            var cells = rows.Where(r => r.NTheta == thetas[i]).ToArray();
            int top = CaptionHeight + i * PanelHeight;
            Draw(canvas, Panel($"value + gradient, n_θ = {thetas[i]}", cells, r => r.ValueGradSeconds, compile: false), 0, top, PanelWidth, PanelHeight);
            Draw(canvas, Panel($"MIGRAD + HESSE fit, n_θ = {thetas[i]}", cells, r => r.FitSeconds, compile: true), PanelWidth, top, PanelWidth, PanelHeight);
        }

        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Renders <paramref name="plot"/> on its own (a plot clears the whole canvas it renders to) and pastes it at (x, y).</summary>
    static void Draw(SKCanvas canvas, Plot plot, int x, int y, int width, int height)
    {
        using var panel = SKImage.FromEncodedData(plot.GetImage(width, height).GetImageBytes(ImageFormat.Png, 100));
        canvas.DrawImage(panel, x, y);
    }

    static Plot Panel(string title, LikelihoodBenchmarkRow[] cells, Func<LikelihoodBenchmarkRow, double> seconds, bool compile)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("events");
        plot.YLabel("seconds");
        var palette = new ScottPlot.Palettes.Category10();
        var backends = cells.Select(r => r.Backend).Distinct()
            .OrderBy(b => Array.IndexOf(BackendOrder, b) is var k and >= 0 ? k : BackendOrder.Length).ThenBy(b => b, StringComparer.Ordinal).ToArray();
        foreach (var backend in backends)
        {
            var points = cells.Where(r => r.Backend == backend && seconds(r) > 0 && r.Events > 0).OrderBy(r => r.Events).ToArray();
            if (points.Length == 0) continue;
            var line = plot.Add.Scatter(points.Select(r => Math.Log10(r.Events)).ToArray(), points.Select(r => Math.Log10(seconds(r))).ToArray());
            line.Color = palette.GetColor(Array.IndexOf(backends, backend));
            line.LineWidth = 2;
            line.MarkerSize = 7;
            line.LegendText = backend;
        }
        if (compile)
        {
            // One compile per (events, n_θ) cell, shared by codegen and codegen-ad: the larger of the two.
            var points = cells.Where(r => r.CompileSeconds > 0).GroupBy(r => r.Events).OrderBy(g => g.Key)
                .Select(g => (Events: g.Key, Seconds: g.Max(r => r.CompileSeconds))).ToArray();
            if (points.Length > 0)
            {
                var line = plot.Add.Scatter(points.Select(p => Math.Log10(p.Events)).ToArray(), points.Select(p => Math.Log10(p.Seconds)).ToArray());
                line.Color = Colors.Gray;
                line.LinePattern = LinePattern.Dashed;
                line.LineWidth = 2;
                line.MarkerSize = 5;
                line.LegendText = "Roslyn compile (uncached)";
            }
        }
        plot.Axes.Bottom.TickGenerator = LogTicks();
        plot.Axes.Left.TickGenerator = LogTicks();
        plot.Grid.MajorLineColor = Colors.Black.WithOpacity(.15);
        plot.Grid.MinorLineColor = Colors.Black.WithOpacity(.05);
        plot.Grid.MinorLineWidth = 1;
        plot.Axes.Margins(0.08, 0.12);
        if (plot.GetPlottables().Any()) plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Ticks for log10-scaled data: labels at whole powers of ten, log-spaced minor ticks.</summary>
    static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        IntegerTicksOnly = true,
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        LabelFormatter = v => Math.Round(v) is var k and >= -2 and <= 3
            ? Math.Pow(10, k).ToString("0.##", CultureInfo.InvariantCulture)
            : "1e" + Math.Round(v).ToString(CultureInfo.InvariantCulture),
    };
}
