namespace SbiFit.Reporting.Tests;

public class PlotsTests
{
    private static double[] Gauss(int n, double mu, double sigma, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ =>
            mu + sigma * Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble())).ToArray();
    }

    private static byte[] Hist(string title, string xLabel = "M²_miss [GeV²]") =>
        Plots.HistogramOverlay(title, xLabel, new (string, double[], double[]?)[]
        {
            ("SM", Gauss(2000, 0, 1, 1), null),
            ("V_R = +0.5", Gauss(2000, 0.5, 1, 2), Enumerable.Repeat(2.0, 2000).ToArray()),
        }, bins: 40, lo: -4, hi: 4, normalise: true);

    [Fact]
    public void HistogramOverlayIsDecodablePng() => PngTools.Decode(Hist("features")).Dispose();

    [Fact]
    public void TitleTextIsDrawn()
    {
        // Same layout, different title text: if no font is found ScottPlot draws no text and both images are identical.
        using var a = PngTools.Decode(Hist("AAAA title"));
        using var b = PngTools.Decode(Hist("WWWW other"));
        int top = Plots.DefaultHeight / 10;
        Assert.True(PngTools.DifferingPixels(a, b, 0, top) > 50, "title text not drawn: are fonts installed (fonts-dejavu-core)?");
        Assert.True(PngTools.DarkPixels(a, 0, top) > 50, "no dark title pixels at the top of the image");
    }

    [Fact]
    public void AxisLabelTextIsDrawn()
    {
        using var a = PngTools.Decode(Hist("t", "q2 [GeV2]"));
        using var b = PngTools.Decode(Hist("t", "chi [rad]"));
        int h = Plots.DefaultHeight;
        Assert.True(PngTools.DifferingPixels(a, b, h - h / 10, h) > 30, "x-axis label not drawn");
        Assert.Equal(0, PngTools.DifferingPixels(a, b, 0, h / 10));
    }

    [Fact]
    public void HistogramWithoutDataInRangeStillRenders()
    {
        var png = Plots.HistogramOverlay("empty", "x", new (string, double[], double[]?)[] { ("none", new[] { double.NaN }, null) }, 10, null, null, true);
        PngTools.Decode(png).Dispose();
    }

    [Fact]
    public void HistogramRejectsMismatchedWeights()
    {
        var e = Assert.Throws<ArgumentException>(() => Plots.HistogramOverlay("t", "x",
            new (string, double[], double[]?)[] { ("SM", new double[3], new double[2]) }));
        Assert.Contains("'SM'", e.Message);
    }

    [Fact]
    public void LinesWithReferenceLinesRender()
    {
        var x = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();
        var png = Plots.Lines("loss", "epoch", "BCE", new[]
        {
            ("train", x, x.Select(v => 0.7 * Math.Exp(-v / 30) + 0.5).ToArray()),
            ("validation", x, x.Select(v => 0.7 * Math.Exp(-v / 30) + 0.52).ToArray()),
        }, referenceLines: new[] { 0.5, 0.6 }, width: 640, height: 480);
        PngTools.Decode(png, 640, 480).Dispose();
        Assert.Throws<ArgumentException>(() => Plots.Lines("t", "x", "y", new[] { ("bad", new double[2], new double[3]) }));
    }

    [Fact]
    public void ScatterThinsLargeInputs()
    {
        var x = Gauss(50_000, 0, 1, 3);
        var png = Plots.Scatter("learned vs true", "true log r", "learned log r", x, x.Select(v => v * 1.01).ToArray(), maxPoints: 1000);
        PngTools.Decode(png).Dispose();
    }

    [Fact]
    public void RatioWithErrorsRendersAndSaves()
    {
        var x = Enumerable.Range(0, 20).Select(i => -0.95 + 0.1 * i).ToArray();
        var y = x.Select(v => 1 + 0.3 * v).ToArray();
        var err = x.Select(_ => 0.05).ToArray();
        var png = Plots.RatioWithErrors("ratio", "cos θ_l", "p(x|θ)/p(x|θ₀)", ("binned truth", x, y, err),
            ("learned", x, y), referenceLines: new[] { 1.0 });
        PngTools.Decode(png).Dispose();
        var dir = Path.Combine(Path.GetTempPath(), "sbifit-rep-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(dir, "ratio.png");
            Plots.Save(path, png);
            Assert.Equal(png, File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally { Directory.Delete(dir, true); }
    }
}
