using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Physics.Tests;

/// <summary>Checks 28, 29, 30 of physics-reference §10 (per-event Hermitian weight matrix, §6.2).</summary>
public class WeightMatrixTests
{
    private static readonly TruthPoint Example = new(6.0, 0.3, -0.4, 1.0);

    private static double Weight(TruthPoint x, WilsonCoefficients c, Lepton lepton = Lepton.Muon)
    {
        Span<double> w = stackalloc double[WeightMatrixLayout.PackedLength];
        WeightMatrix.Compute(x, lepton, FormFactorsCln.Hflav2019, w);
        return WeightMatrixLayout.Contract(w, c.ToVector());
    }

    [Theory] // check 28
    [InlineData("V_R=0.5", 0.330864)]
    [InlineData("V_R=-0.5", 2.385551)]
    [InlineData("S_L=0.3", 0.997223)]
    [InlineData("S_R=0.3i", 1.001516)]
    [InlineData("T_L=0.2", 1.962276)]
    [InlineData("V_L=0.1,V_R=0.2-0.1i,S_L=0.1,S_R=-0.2,T_L=0.05+0.05i", 1.069381)]
    public void ReferenceEventWeights(string wc, double expected)
    {
        double w = Weight(Example, WilsonCoefficients.Parse(wc));
        Assert.True(Math.Abs(w / expected - 1) <= 1e-5, $"{wc}: {w:F7}");
    }

    [Fact]
    public void ReferenceEventMatrixEntries()
    {
        Span<double> p = stackalloc double[WeightMatrixLayout.PackedLength];
        double w00 = WeightMatrix.Compute(Example, Lepton.Muon, FormFactorsCln.Hflav2019, p);
        var full = new Complex[25];
        WeightMatrixLayout.Unpack(p, full);
        (int I, int J, Complex V)[] printed =
        [
            (0, 1, new(-1.0273, -0.6108)), (0, 2, new(-0.0103, 0.0031)), (0, 4, new(-0.3604, 0.0077)),
            (1, 1, new(1.4328, 0)), (1, 4, new(0.6294, -0.0077)), (2, 2, new(0.0376, 0)), (2, 3, new(-0.0376, 0)),
            (2, 4, new(0.7489, -0.6891)), (4, 4, new(27.6605, 0)), (4, 2, new(0.7489, 0.6891)),
        ];
        foreach (var (i, j, v) in printed)
            Assert.True(Complex.Abs(full[i * 5 + j] - v) <= 1e-4, $"W[{i},{j}] = {full[i * 5 + j]}");
        double direct = new DecayModel(Lepton.Muon, FormFactorsCln.Hflav2019).FourFoldRate(Example, WilsonCoefficients.Sm);
        Assert.Equal(1.0, w00 / direct, 12);
    }

    [Fact]
    public void ContractionEqualsDirectEvaluation() // check 29
    {
        var rng = new Rng(29);
        foreach (var lepton in new[] { Lepton.Muon, Lepton.Tau, Lepton.Electron })
        {
            var model = new DecayModel(lepton, FormFactorsCln.Hflav2019);
            for (int n = 0; n < 50; n++)
            {
                var x = new TruthPoint(rng.Uniform(model.Q2Min + 0.01, model.Q2Max), rng.Uniform(-1, 1), rng.Uniform(-1, 1),
                    rng.Uniform(-Math.PI, Math.PI));
                Complex Rnd() => new(rng.Uniform(-1, 1), rng.Uniform(-1, 1));
                var c = new WilsonCoefficients(Rnd(), Rnd(), Rnd(), Rnd(), Rnd());
                double direct = model.FourFoldRate(x, c) / model.FourFoldRate(x, WilsonCoefficients.Sm);
                double viaMatrix = Weight(x, c, lepton);
                Assert.True(Math.Abs(viaMatrix / direct - 1) <= 1e-10, $"{lepton} {x} {c}: {viaMatrix} vs {direct}");
            }
        }
    }

    [Fact]
    public void SumOfWeightsIsAParabolaInVR() // check 30
    {
        var sampler = new SmTruthSampler(Lepton.Muon, FormFactorsCln.Hflav2019);
        var rng = new Rng(30);
        var packed = new double[2000][];
        for (int n = 0; n < packed.Length; n++)
        {
            packed[n] = new double[WeightMatrixLayout.PackedLength];
            WeightMatrix.Compute(sampler.Sample(rng), Lepton.Muon, FormFactorsCln.Hflav2019, packed[n]);
        }
        double Sum(double theta)
        {
            var c = new WilsonCoefficients(0, theta, 0, 0, 0).ToVector();
            double s = 0;
            foreach (var p in packed) s += WeightMatrixLayout.Contract(p, c);
            return s;
        }
        double a = Sum(0), b = Sum(0.5) - Sum(-0.5), cc = 2 * (Sum(0.5) + Sum(-0.5) - 2 * Sum(0));
        double predicted = a + b * 0.3 + cc * 0.3 * 0.3;
        Assert.Equal(1.0, predicted / Sum(0.3), 10);
        Assert.Equal(packed.Length, a, 9);
    }

    [Fact]
    public void RejectsPointsOutsidePhaseSpace()
    {
        var buffer = new double[25];
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            WeightMatrix.Compute(new TruthPoint(11.0, 0, 0, 0), Lepton.Muon, FormFactorsCln.Hflav2019, buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            WeightMatrix.Compute(new TruthPoint(2.0, 1.2, 0, 0), Lepton.Muon, FormFactorsCln.Hflav2019, buffer));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            WeightMatrix.Compute(new TruthPoint(2.0, 0, 0, 0), Lepton.Tau, FormFactorsCln.Hflav2019, buffer));
    }
}
