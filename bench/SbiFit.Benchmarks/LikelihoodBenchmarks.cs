using BenchmarkDotNet.Attributes;
using SbiFit.Codegen.Backends;
using SbiFit.Inference.Minimisation;

namespace SbiFit.Benchmarks;

/// <summary>
/// The four likelihood backends side by side (issue 6): one NLL value, value + gradient and a full MIGRAD + HESSE fit of a
/// 5-100-100-1 ReLU network on synthetic events. Same workload as <c>sbifit bench likelihood --problem unweighted</c>
/// (<see cref="SyntheticLikelihood.Input"/>; the per-call times do not depend on the problem, the fit does);
/// run with <c>--filter '*Likelihood*'</c>.
/// </summary>
[MemoryDiagnoser]
public class LikelihoodBenchmarks
{
    private SbiLikelihoodBuilder _builder = null!;
    private SbiLikelihood _nll = null!;
    private SbiLikelihood _fitNll = null!;
    private double[] _theta = null!;
    private double[] _gradient = null!;

    /// <summary>Events in the dataset.</summary>
    [Params(10_000, 100_000, 1_000_000)]
    public int Events { get; set; }

    /// <summary>Evaluation backend.</summary>
    [Params(LikelihoodBackend.Runtime, LikelihoodBackend.Interpreted, LikelihoodBackend.Codegen, LikelihoodBackend.CodegenAd)]
    public LikelihoodBackend Backend { get; set; }

    /// <summary>Builds the network, the data and the likelihood (compile and binding are not timed).</summary>
    [GlobalSetup]
    public void Setup()
    {
        var network = SyntheticLikelihood.RandomNetwork(1, 7);
        string onnx = Path.Combine(Path.GetTempPath(), $"sbifit-bench-{Environment.ProcessId}.onnx");
        Learning.Onnx.OnnxModelWriter.Save(network, onnx);
        var input = SyntheticLikelihood.Input(network, network.ThetaNames, Events, 11);
        // Per-call benchmarks time the kernels (cache off); the fit uses the cache as a user's fit would, emptied before
        // every fit.
        _builder = new SbiLikelihoodBuilder(network, onnx);
        var (kernels, fitting) = LikelihoodBenchmark.BuildForTiming(_builder, Backend, input, linearise: true);
        _nll = kernels;
        _fitNll = fitting ?? kernels;
        _theta = new double[_nll.Dimension];
        _theta[0] = 0.1;
        _gradient = new double[_nll.Dimension];
    }

    /// <summary>Releases the compiled code and the ONNX Runtime session.</summary>
    [GlobalCleanup]
    public void Cleanup() => _builder.Dispose();

    /// <summary>One NLL value.</summary>
    [Benchmark]
    public double Value() => _nll.Value(_theta);

    /// <summary>Value and gradient: AD for codegen-ad, central differences (2n+1 values) otherwise, as MINUIT would.</summary>
    [Benchmark]
    public double ValueAndGradient()
    {
        if (_nll.HasGradient) return _nll.ValueAndGradient(_theta, _gradient);
        double f = _nll.Value(_theta);
        for (int k = 0; k < _theta.Length; k++)
        {
            double keep = _theta[k];
            _theta[k] = keep + 1e-3; double fp = _nll.Value(_theta);
            _theta[k] = keep - 1e-3; double fm = _nll.Value(_theta);
            _theta[k] = keep;
            _gradient[k] = (fp - fm) / 2e-3;
        }
        return f;
    }

    /// <summary>MIGRAD + HESSE from the SM.</summary>
    [Benchmark]
    public FitResult Fit()
    {
        _fitNll.Compiled?.ResetLinearisation();
        var minuit = _fitNll.CreateMinuit();
        minuit.Migrad();
        return minuit.Hesse();
    }
}
