using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Physics.Tests;

/// <summary>The fast real-arithmetic kernels against the reference (pair-by-pair) routines.</summary>
public class AngularKernelTests
{
    private static readonly DecayModel Tau = new(Lepton.Tau, FormFactorsCln.Hflav2019);
    private static readonly DecayModel Mu = new(Lepton.Muon, FormFactorsCln.Hflav2019);

    private static double RandomQ2(DecayModel m, Rng rng) => m.Q2Min + (m.Q2Max - m.Q2Min) * (0.001 + 0.998 * rng.NextDouble());

    [Fact]
    public void FastWeightedSumMatchesReferenceOnRandomPoints()
    {
        var rng = new Rng(11, 0);
        Span<double> f = stackalloc double[AngularCoefficients.Count];
        Span<double> fast = stackalloc double[WeightMatrixLayout.PackedLength];
        Span<double> reference = stackalloc double[WeightMatrixLayout.PackedLength];
        double worst = 0;
        for (int n = 0; n < 2000; n++)
        {
            var model = n % 2 == 0 ? Tau : Mu;
            var h = model.Amplitudes(RandomQ2(model, rng));
            AngularCoefficients.AngularFunctions(2 * rng.NextDouble() - 1, 2 * rng.NextDouble() - 1, Math.PI * (2 * rng.NextDouble() - 1), f);
            AngularCoefficients.AccumulateWeighted(h, f, fast);
            AngularCoefficients.AccumulateWeightedReference(h, f, reference);
            double scale = 0;
            for (int k = 0; k < reference.Length; k++) scale = Math.Max(scale, Math.Abs(reference[k]));
            for (int k = 0; k < reference.Length; k++) worst = Math.Max(worst, Math.Abs(fast[k] - reference[k]) / scale);
        }
        Assert.True(worst < 1e-12, $"max relative deviation {worst:E2}");
    }

    [Fact]
    public void EnvelopeBoundsTheAngularDensityAndIsTighterThanSumOfModuli()
    {
        var rng = new Rng(12, 0);
        Span<double> ik = stackalloc double[AngularCoefficients.Count];
        Span<double> f = stackalloc double[AngularCoefficients.Count];
        Complex[][] cs =
        [
            WilsonCoefficients.Sm.ToVector(),
            WilsonCoefficients.Parse("V_L=0.1,V_R=0.2-0.1i,S_L=0.1i,S_R=-0.2,T_L=0.05+0.02i").ToVector(),
            WilsonCoefficients.Parse("S_L=0.8i,T_L=0.4-0.3i").ToVector(),
            WilsonCoefficients.Parse("V_R=-0.7+0.5i,S_R=1.2").ToVector(),
        ];
        double tightest = 0;
        for (int n = 0; n < 200; n++)
        {
            var model = n % 2 == 0 ? Tau : Mu;
            model.AngularCoefficients(RandomQ2(model, rng), cs[n % cs.Length], ik);
            double bound = AngularKernel.EnvelopeBound(ik);
            double sumAbs = 0;
            foreach (double x in ik) sumAbs += Math.Abs(x);
            Assert.True(bound <= sumAbs * (1 + 1e-12), "bound looser than Σ|I_k|");
            for (int t = 0; t < 2000; t++)
            {
                // Mix random points with the faces of the angular cube, where maxima often sit.
                double cd = t % 4 == 0 ? Math.Sign(rng.NextDouble() - 0.5) : 2 * rng.NextDouble() - 1;
                double cl = t % 5 == 0 ? Math.Sign(rng.NextDouble() - 0.5) : 2 * rng.NextDouble() - 1;
                AngularCoefficients.AngularFunctions(cd, cl, Math.PI * (2 * rng.NextDouble() - 1), f);
                double w = 0;
                for (int k = 0; k < f.Length; k++) w += ik[k] * f[k];
                Assert.True(w <= bound, $"W = {w} exceeds the envelope {bound}");
                tightest = Math.Max(tightest, w / bound);
            }
        }
        Assert.True(tightest > 0.9, $"envelope never approached: max W/bound = {tightest}");
    }

    [Theory]
    [InlineData(-1.0, 0.5, 0.2)]
    [InlineData(2.0, -1.0, 0.0)]
    [InlineData(-0.3, 1.5, 1.0)]
    [InlineData(0.0, 0.0, -2.0)]
    public void MaxQuadraticMatchesGridSearch(double a, double b, double c)
    {
        double grid = double.NegativeInfinity;
        for (int i = 0; i <= 20000; i++)
        {
            double x = -1 + i / 10000.0;
            grid = Math.Max(grid, (a * x + b) * x + c);
        }
        double exact = AngularKernel.MaxQuadratic(a, b, c);
        Assert.True(exact >= grid - 1e-12 && exact <= grid + 1e-7, $"{exact} vs grid {grid}");
    }
}
