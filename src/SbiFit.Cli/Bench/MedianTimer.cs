using System.Diagnostics;

namespace SbiFit.Cli.Bench;

/// <summary>Repeats an action and reports the median wall time: robust on shared, noisy machines.</summary>
internal static class MedianTimer
{
    /// <summary>Median seconds of <paramref name="repeats"/> runs after <paramref name="warmup"/> untimed runs.</summary>
    public static double Measure(Action action, int repeats = 5, int warmup = 1, double maxSeconds = 20)
    {
        for (int i = 0; i < warmup; i++) action();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        for (int i = 0; i < repeats; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalSeconds);
            if (total.Elapsed.TotalSeconds > maxSeconds && times.Count >= 3) break;
        }
        times.Sort();
        int n = times.Count;
        return n % 2 == 1 ? times[n / 2] : 0.5 * (times[n / 2 - 1] + times[n / 2]);
    }

    /// <summary>The machine line for benchmark tables.</summary>
    public static string MachineLine()
    {
        string cpu = "unknown CPU";
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null) cpu = line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return $"{cpu}, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}";
    }
}
