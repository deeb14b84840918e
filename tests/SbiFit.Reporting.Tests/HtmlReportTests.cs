using System.Text.RegularExpressions;

namespace SbiFit.Reporting.Tests;

public class HtmlReportTests
{
    [Fact]
    public void EveryImageIsADecodableBase64Png()
    {
        var x = new[] { 0.0, 1, 2 };
        var pngs = new[]
        {
            Plots.Lines("a", "x", "y", new[] { ("c", x, x) }, width: 300, height: 200),
            Plots.Scatter("b", "x", "y", x, x, width: 320, height: 240),
        };
        var html = new HtmlReport("Fit <report>")
            .Section("Data").Paragraph("5 features & 1e6 events").Image(pngs[0], "loss")
            .Section("Fit").Table(new[] { "parameter", "value" }, new[] { new[] { "V_R", "0.49 ± 0.02" } })
            .Image(pngs[1]).Preformatted("MIGRAD converged\n<edm 1e-6>")
            .Build();
        var matches = Regex.Matches(html, "src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
        Assert.Equal(2, matches.Count);
        for (int i = 0; i < 2; i++)
        {
            var bytes = Convert.FromBase64String(matches[i].Groups[1].Value);
            Assert.Equal(pngs[i], bytes);
            PngTools.Decode(bytes, i == 0 ? 300 : 320, i == 0 ? 200 : 240).Dispose();
        }
        Assert.Contains("<title>Fit &lt;report&gt;</title>", html);
        Assert.Contains("<h2>Data</h2>", html);
        Assert.Contains("5 features &amp; 1e6 events", html);
        Assert.Contains("<td>0.49 ± 0.02</td>", html);
        Assert.Contains("&lt;edm 1e-6&gt;", html);
        Assert.DoesNotContain("http", html); // self-contained: no external CSS, JS or images
        Assert.DoesNotContain("<script", html);
    }

    [Fact]
    public void RaggedTableAndNonPngRejected()
    {
        var r = new HtmlReport("t");
        Assert.Throws<ArgumentException>(() => r.Table(new[] { "a", "b" }, new[] { new[] { "1" } }));
        Assert.Throws<ArgumentException>(() => r.Image(new byte[] { 1, 2, 3 }, "bad"));
    }

    [Fact]
    public void SaveWritesTheBuiltDocument()
    {
        var dir = Path.Combine(Path.GetTempPath(), "sbifit-rep-" + Guid.NewGuid().ToString("N"));
        try
        {
            var report = new HtmlReport("r").Section("s").Paragraph("p");
            var path = Path.Combine(dir, "report.html");
            report.Save(path);
            Assert.Equal(report.Build(), File.ReadAllText(path));
        }
        finally { Directory.Delete(dir, true); }
    }
}
