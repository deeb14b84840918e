using System.Globalization;
using System.Text;
using SbiFit.Data;

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
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
