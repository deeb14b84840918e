using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;
using SbiFit.Learning.Kernels;

namespace SbiFit.Learning;

/// <summary>Outcome of the L-BFGS polish after Adam: loss evaluations, the kept point's losses, wall seconds.</summary>
/// <param name="Evaluations">Full-batch loss + gradient evaluations made by L-BFGS and its line search.</param>
/// <param name="TrainLoss">Training loss (without the L2 term) at the kept parameters.</param>
/// <param name="TestLoss">Held-out loss at the kept parameters (the lowest seen, Adam's end point included).</param>
/// <param name="Seconds">Wall time of the polish.</param>
public sealed record PolishReport(int Evaluations, double TrainLoss, double TestLoss, double Seconds);

/// <summary>
/// Full-batch L-BFGS (MathNet.Numerics) on the training loss + ½λ‖p‖² (the L2 Adam applies as weight decay), started
/// from Adam's result. Both labelled copies of an event carry the same θ, so the classifier's target log r(x, θ) is a
/// deterministic function and what Adam leaves is approximation and optimisation error; a quasi-Newton polish removes
/// much of the latter (docs/likelihood.md, "Training polish"). Every evaluated point is also scored on the held-out rows
/// and the one with the lowest held-out loss is kept, Adam's end point included: the early-stopping rule.
/// </summary>
internal static class LbfgsPolish
{
    /// <summary>History size of the L-BFGS approximation.</summary>
    const int Memory = 20;

    internal static (float[] Parameters, PolishReport Report) Run(BatchRunner<float> train, int[] trainRows, BatchRunner<float> test,
        int[] testRows, float[] start, double l2, int iterations, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        int n = start.Length, evaluations = 0;
        var grad = new double[n];
        var pf = new float[n];
        // L-BFGS evaluates the start first, so Adam's point is scored (and kept unless beaten) by Evaluate itself.
        var best = (float[])start.Clone();
        double bestTest = double.PositiveInfinity, bestTrain = double.NaN;
        (double, Vector<double>) Evaluate(Vector<double> v)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (int i = 0; i < n; i++) pf[i] = (float)v[i];
            double loss = train.Evaluate(pf, trainRows, 0, trainRows.Length, grad), reg = 0;
            evaluations++;
            var g = Vector<double>.Build.Dense(n);
            for (int i = 0; i < n; i++) { reg += (double)pf[i] * pf[i]; g[i] = grad[i] + l2 * pf[i]; }
            double held = test.Evaluate(pf, testRows, 0, testRows.Length, null);
            if (double.IsFinite(loss) && held < bestTest) { bestTest = held; bestTrain = loss; Array.Copy(pf, best, n); }
            // A non-finite loss makes the line search back off (a huge value, a zero gradient); it is never kept.
            if (!double.IsFinite(loss)) return (double.MaxValue, Vector<double>.Build.Dense(n));
            return (loss + 0.5 * l2 * reg, g);
        }
        var minimizer = new LimitedMemoryBfgsMinimizer(1e-10, 1e-12, 1e-12, Memory, iterations);
        try { minimizer.FindMinimum(ObjectiveFunction.Gradient(Evaluate), Vector<double>.Build.Dense(n, i => start[i])); }
        // Float32 losses end every run in a line search that cannot improve or at the iteration cap: both mean done.
        catch (Exception e) when (e is MaximumIterationsException or OptimizationException) { }
        return (best, new PolishReport(evaluations, bestTrain, bestTest, clock.Elapsed.TotalSeconds));
    }
}
