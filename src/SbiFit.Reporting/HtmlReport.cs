using System.Text;
using SbiFit.Data;

namespace SbiFit.Reporting;

/// <summary>
/// Builds a self-contained HTML report (inline CSS, PNG images embedded as base64 data URIs, no external files).
/// All text is HTML-encoded. Calls chain: <c>new HtmlReport("Fit").Section("Data").Paragraph("...").Image(png, "...")</c>.
/// </summary>
public sealed class HtmlReport
{
    private const string Css =
        "body{font-family:system-ui,-apple-system,'DejaVu Sans',sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}" +
        "h1{border-bottom:2px solid #444;padding-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #bbb}" +
        "table{border-collapse:collapse;margin:1em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:.3em .7em;text-align:right}" +
        "th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}tr:nth-child(even) td{background:#fafafa}" +
        "figure{margin:1em 0}figure img{max-width:100%;border:1px solid #ddd}figcaption{font-size:.9em;color:#555}" +
        "pre{background:#f6f6f6;border:1px solid #ddd;padding:.8em;overflow-x:auto;font-size:.88em}";

    private readonly StringBuilder _body = new();
    private readonly string _title;

    /// <summary>Starts a report; <paramref name="title"/> is the page title and top heading.</summary>
    public HtmlReport(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        _title = title;
    }

    /// <summary>Starts a new section with a level-2 heading.</summary>
    public HtmlReport Section(string heading) => Append($"<h2>{Enc(heading)}</h2>");

    /// <summary>Adds a sub-heading (level 3).</summary>
    public HtmlReport SubHeading(string heading) => Append($"<h3>{Enc(heading)}</h3>");

    /// <summary>Adds a paragraph of plain text.</summary>
    public HtmlReport Paragraph(string text) => Append($"<p>{Enc(text)}</p>");

    /// <summary>Adds a preformatted block (logs, fit summaries, JSON).</summary>
    public HtmlReport Preformatted(string text) => Append($"<pre>{Enc(text)}</pre>");

    /// <summary>Adds a preformatted block folded behind a one-line summary (long listings such as the configuration).</summary>
    public HtmlReport Collapsible(string summary, string text) =>
        Append($"<details><summary>{Enc(summary)}</summary><pre>{Enc(text)}</pre></details>");

    /// <summary>Adds a table; every row must have as many cells as the header.</summary>
    public HtmlReport Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder("<table><thead><tr>");
        foreach (var h in header) sb.Append("<th>").Append(Enc(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        int r = 0;
        foreach (var row in rows)
        {
            if (row.Count != header.Count)
                throw new ArgumentException($"table row {r} has {row.Count} cells but the header has {header.Count}", nameof(rows));
            sb.Append("<tr>");
            foreach (var cell in row) sb.Append("<td>").Append(Enc(cell)).Append("</td>");
            sb.Append("</tr>");
            r++;
        }
        return Append(sb.Append("</tbody></table>").ToString());
    }

    /// <summary>Embeds a PNG image (as a base64 data URI) with an optional caption.</summary>
    public HtmlReport Image(byte[] png, string caption = "")
    {
        ArgumentNullException.ThrowIfNull(png);
        ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        if (!png.AsSpan().StartsWith(signature))
            throw new ArgumentException($"image '{caption}' is not a PNG (bad signature)", nameof(png));
        var cap = string.IsNullOrEmpty(caption) ? "" : $"<figcaption>{Enc(caption)}</figcaption>";
        return Append($"<figure><img alt=\"{Enc(caption)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">{cap}</figure>");
    }

    /// <summary>The complete HTML document.</summary>
    public string Build() =>
        $"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{Enc(_title)}</title>\n" +
        $"<style>{Css}</style>\n</head>\n<body>\n<h1>{Enc(_title)}</h1>\n{_body}</body>\n</html>\n";

    /// <summary>Writes the document to <paramref name="path"/> atomically (temporary file + rename).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, Build());

    private HtmlReport Append(string html)
    {
        _body.Append(html).Append('\n');
        return this;
    }

    // Only the five markup characters: the page is UTF-8, so symbols such as ± and θ stay readable in the source.
    private static string Enc(string? text) => (text ?? "")
        .Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;").Replace("'", "&#39;");
}
