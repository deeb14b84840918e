using SbiFit.Codegen.Backends;
using SbiFit.Learning;

namespace SbiFit.Codegen.Tests;

[Collection("backends")]
public sealed class BackendDerivativeTests(BackendFixture fixture)
{
    [Theory]
    [InlineData("fixture")]
    [InlineData("random3")]
    public void AdGradientMatchesCentralDifferencesInDouble(string name)
    {
        var c = name == "fixture" ? fixture.Fixture : fixture.Random3;
        TestNetworks.AssertGradientMatchesCentralDifferences(c.Double.Build(LikelihoodBackend.CodegenAd, c.Input), name);
    }

    /// <summary>A 2-theta tanh network with a mild theta dependence (like a trained one near the SM).</summary>
    static TheoryAwareNetwork SmoothNetwork()
    {
        var net = TestNetworks.Random(Activation.Tanh, 2, seed: 5);
        for (int i = 0; i < net.Shift.Length; i++) net.Shift[i] *= 0.1f;
        return net;
    }

    /// <summary>
    /// HESSE (codegen-ad: gradient differences over 0.1 sigma for ReLU, forward-over-reverse for tanh) against the
    /// MINOS profile-likelihood interval, symmetrised: agreement within 5 % (the NLL is close to parabolic here).
    /// </summary>
    [Theory]
    [InlineData(Activation.ReLU)]
    [InlineData(Activation.Tanh)]
    public void HesseErrorsMatchMinos(Activation activation)
    {
        BackendCase? own = null;
        var c = activation == Activation.ReLU ? fixture.Fixture
            : own = new BackendCase(SmoothNetwork(), onnxPath: "", ["V_R", "T_L"], 3000, seed: 13);
        try
        {
            var nll = c.Double.Build(LikelihoodBackend.CodegenAd, c.Input);
            Assert.Equal(activation == Activation.ReLU ? HessianMethod.GradientDifferences : HessianMethod.ForwardOverReverse, nll.Compiled!.HessianMethod);
            var minuit = nll.CreateMinuit();
            var migrad = minuit.Migrad();
            Assert.True(migrad.IsValid, migrad.ToString());
            var hesse = minuit.Hesse();
            var minos = minuit.Minos();
            foreach (var p in hesse.Parameters)
            {
                var m = minos[p.Name].Minos!;
                Assert.True(m.LowerValid && m.UpperValid, $"MINOS failed for {p.Name}");
                double profile = 0.5 * (m.Upper - m.Lower);
                Assert.True(Math.Abs(p.Error / profile - 1) < 0.05, $"{activation} {p.Name}: HESSE {p.Error} vs MINOS {profile}");
            }
        }
        finally { own?.Dispose(); }
    }
}
