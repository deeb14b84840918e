using SbiFit.Codegen.Backends;

namespace SbiFit.Reporting.Tests;

public class LikelihoodBenchmarkPlotTests
{
    /// <summary>A small benchmark result: every backend at two event counts, for the given n_θ values.</summary>
    internal static LikelihoodBenchmarkRow[] Rows(params int[] thetas) =>
        (from nt in thetas
         from events in new[] { 10_000, 100_000 }
         from b in new[] { ("runtime", 4.0), ("interpreted", 1.0), ("codegen", 1.2), ("codegen-ad", 0.6) }
         select new LikelihoodBenchmarkRow(b.Item1, events, nt, 1e-8 * events * b.Item2, 3e-8 * events * b.Item2, 1e-6 * events * b.Item2 * nt,
             20, b.Item1.StartsWith("codegen", StringComparison.Ordinal) ? 0.3 : 0, 0.1, 0.3)).ToArray();

    [Fact]
    public void OneRowOfPanelsPerThetaCountDecodes()
    {
        using var one = PngTools.Decode(LikelihoodBenchmarkPlot.Render("AMD EPYC, 2 cores", Rows(1)), LikelihoodBenchmarkPlot.Width, LikelihoodBenchmarkPlot.Height(1));
        using var two = PngTools.Decode(LikelihoodBenchmarkPlot.Render("AMD EPYC, 2 cores", Rows(1, 3)), LikelihoodBenchmarkPlot.Width, LikelihoodBenchmarkPlot.Height(2));
        // Both panel rows carry lines, axes and text.
        int top = LikelihoodBenchmarkPlot.CaptionHeight, h = LikelihoodBenchmarkPlot.PanelHeight;
        Assert.True(PngTools.DarkPixels(two, top, top + h) > 500, "first panel row is empty");
        Assert.True(PngTools.DarkPixels(two, top + h, top + 2 * h) > 500, "second panel row is empty");
    }

    [Fact]
    public void CaptionShowsTheMachineLine()
    {
        using var a = PngTools.Decode(LikelihoodBenchmarkPlot.Render("AAAA machine", Rows(1)), LikelihoodBenchmarkPlot.Width, LikelihoodBenchmarkPlot.Height(1));
        using var b = PngTools.Decode(LikelihoodBenchmarkPlot.Render("WWWW other box", Rows(1)), LikelihoodBenchmarkPlot.Width, LikelihoodBenchmarkPlot.Height(1));
        Assert.True(PngTools.DifferingPixels(a, b, 0, LikelihoodBenchmarkPlot.CaptionHeight) > 50, "machine line not drawn in the caption");
        Assert.Equal(0, PngTools.DifferingPixels(a, b, LikelihoodBenchmarkPlot.CaptionHeight, LikelihoodBenchmarkPlot.Height(1)));
    }

    [Fact]
    public void DataChangesThePanels()
    {
        var rows = Rows(1);
        var slower = rows.Select(r => r.Backend == "codegen-ad" ? r with { FitSeconds = r.FitSeconds * 30 } : r).ToArray();
        using var a = PngTools.Decode(LikelihoodBenchmarkPlot.Render("m", rows), LikelihoodBenchmarkPlot.Width, LikelihoodBenchmarkPlot.Height(1));
        using var b = PngTools.Decode(LikelihoodBenchmarkPlot.Render("m", slower), LikelihoodBenchmarkPlot.Width, LikelihoodBenchmarkPlot.Height(1));
        Assert.True(PngTools.DifferingPixels(a, b, LikelihoodBenchmarkPlot.CaptionHeight, LikelihoodBenchmarkPlot.Height(1)) > 100, "fit times are not plotted");
    }

    [Fact]
    public void NoRowsIsAnError() =>
        Assert.Throws<ArgumentException>(() => LikelihoodBenchmarkPlot.Render("m", []));
}
