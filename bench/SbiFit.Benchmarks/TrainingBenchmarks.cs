using BenchmarkDotNet.Attributes;
using SbiFit.Learning;
using SbiFit.Physics;

namespace SbiFit.Benchmarks;

/// <summary>
/// Training throughput (issue 3): one full-batch epoch of the default network (hidden [100,100] ReLU) on 200k events
/// (320k training rows + 80k test rows) on 2 threads. Target well under 1 s/epoch (>= 50 GFLOP/s effective).
/// Same workload as <c>sbifit bench train</c>, which also reports GFLOP/s against the measured FMA peak.
/// </summary>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private TrainingData _data = null!;

    /// <summary>Events (each gives an SM row and an NP row).</summary>
    [Params(200_000)]
    public int Events { get; set; }

    /// <summary>Worker threads.</summary>
    [Params(2)]
    public int Threads { get; set; }

    /// <summary>Synthetic events: 8 Gaussian features, one θ ~ U[-1,1], NP weight a smooth function of x and θ.</summary>
    [GlobalSetup]
    public void Setup()
    {
        const int nx = 8;
        var rng = new Rng(1, 0);
        var x = new double[Events * nx]; var wSm = new double[Events]; var wNp = new double[Events]; var theta = new double[Events];
        for (int i = 0; i < Events; i++)
        {
            for (int k = 0; k < nx; k++) x[i * nx + k] = rng.NextGaussian();
            theta[i] = rng.Uniform(-1, 1);
            wSm[i] = 1;
            wNp[i] = Math.Exp(0.5 * theta[i] * x[i * nx] - 0.125 * theta[i] * theta[i]);
        }
        _data = TrainingData.Create(Enumerable.Range(0, nx).Select(k => $"x{k}").ToArray(), ["V_R"], x, wSm, wNp, theta);
    }

    /// <summary>One epoch (split, standardisation and initialisation included; they are small next to the epoch).</summary>
    [Benchmark]
    public TrainingResult OneEpoch() => Trainer.Train(_data, new TrainingOptions { Epochs = 1, Threads = Threads, Seed = 1 });
}
