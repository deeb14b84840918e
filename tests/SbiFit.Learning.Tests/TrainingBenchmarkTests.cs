namespace SbiFit.Learning.Tests;

public class TrainingBenchmarkTests
{
    [Fact]
    public void BenchmarkCountsArithmeticAndMeasuresPeak()
    {
        var r = TrainingBenchmark.Run(events: 500, threads: 1, epochs: 1, features: 3, hidden: [8]);
        Assert.Equal(800, r.TrainRows);
        Assert.Equal(200, r.TestRows);
        // multiply-adds per row with the default latent input (n_in = 3 + 1): V (1x4) + 4x8 + 8x1 = 44; training rows 3
        // passes, test rows 1, 2 FLOP each.
        Assert.Equal(2.0 * 44 * (3 * 800 + 200) / 1e9, r.GflopPerEpoch, 12);
        Assert.True(r.SecondsPerEpoch > 0 && r.EffectiveGflops > 0 && r.PeakGflops > 0);
    }
}
