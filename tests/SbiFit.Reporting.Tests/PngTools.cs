using SkiaSharp;

namespace SbiFit.Reporting.Tests;

internal static class PngTools
{
    public static readonly byte[] Signature = { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    /// <summary>Checks the PNG signature and IHDR size, then decodes it with SkiaSharp.</summary>
    public static SKBitmap Decode(byte[] png, int width = Plots.DefaultWidth, int height = Plots.DefaultHeight)
    {
        Assert.True(png.AsSpan().StartsWith(Signature), "missing PNG signature");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal(width, ReadBigEndian(png, 16));
        Assert.Equal(height, ReadBigEndian(png, 20));
        var bmp = SKBitmap.Decode(png);
        Assert.NotNull(bmp);
        Assert.Equal(width, bmp.Width);
        Assert.Equal(height, bmp.Height);
        return bmp;
    }

    /// <summary>Number of pixels that differ between two same-size images inside a row band.</summary>
    public static int DifferingPixels(SKBitmap a, SKBitmap b, int rowFrom, int rowTo)
    {
        int n = 0;
        for (int y = rowFrom; y < rowTo; y++)
            for (int x = 0; x < a.Width; x++)
                if (a.GetPixel(x, y) != b.GetPixel(x, y)) n++;
        return n;
    }

    /// <summary>Number of dark pixels (text, lines) inside a row band.</summary>
    public static int DarkPixels(SKBitmap bmp, int rowFrom, int rowTo)
    {
        int n = 0;
        for (int y = rowFrom; y < rowTo; y++)
            for (int x = 0; x < bmp.Width; x++)
            {
                var c = bmp.GetPixel(x, y);
                if (c.Red + c.Green + c.Blue < 300) n++;
            }
        return n;
    }

    private static int ReadBigEndian(byte[] b, int at) => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}
