using System.Globalization;
using System.Text;

namespace SbiFit.Learning;

/// <summary>Writes loss curves as CSV (epoch,train_loss,test_loss), via a temp file and rename.</summary>
public static class LossCurveCsv
{
    /// <summary>Writes one line per epoch; the arrays must have equal length.</summary>
    public static void Write(string path, IReadOnlyList<double> trainLoss, IReadOnlyList<double> testLoss)
    {
        if (trainLoss.Count != testLoss.Count)
            throw new ArgumentException($"train ({trainLoss.Count}) and test ({testLoss.Count}) loss curves differ in length.");
        var sb = new StringBuilder("epoch,train_loss,test_loss\n");
        for (int i = 0; i < trainLoss.Count; i++)
            sb.Append(CultureInfo.InvariantCulture, $"{i + 1},{trainLoss[i]:R},{testLoss[i]:R}\n");
        AtomicFile.Write(path, s => { using var w = new StreamWriter(s, new UTF8Encoding(false)); w.Write(sb); });
    }
}

/// <summary>Write-to-temp-then-rename so a crash never leaves a half-written output.</summary>
internal static class AtomicFile
{
    internal static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var s = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write)) write(s);
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
