using SbiFit.Codegen.Backends;
using SbiFit.Inference.Minimisation;

namespace SbiFit.Codegen.Tests;

[Collection("backends")]
public sealed class BackendAgreementTests(BackendFixture fixture)
{
    BackendCase Case(string name) => name == "fixture" ? fixture.Fixture : fixture.Random3;

    static double[][] Points(int n) =>
    [
        new double[n],
        Enumerable.Range(0, n).Select(k => 0.1 - 0.07 * k).ToArray(),
        Enumerable.Range(0, n).Select(k => -0.25 + 0.11 * k).ToArray(),
    ];

    [Theory]
    [InlineData("fixture")]
    [InlineData("random3")]
    public void AllBackendsGiveTheSameNll(string name)
    {
        var c = Case(name);
        var nlls = LikelihoodBackends.All.Select(b => c.Single.Build(b, c.Input)).ToArray();
        foreach (var p in Points(c.Input.Parameters.Count))
        {
            double reference = nlls[1].Value(p);   // interpreted
            foreach (var nll in nlls)
            {
                double v = nll.Value(p);
                Assert.True(Math.Abs(v - reference) <= 1e-6 * Math.Abs(reference),
                    $"{nll.Backend.Name()} at ({string.Join(", ", p)}): {v} vs interpreted {reference}");
            }
        }
    }

    // Issue 6: all backends give the same fitted values within 1e-3 sigma. Each backend declares the float32 rounding
    // scatter of its NLL (SbiLikelihood.AbsolutePrecision, ~1e-5 here), so MIGRAD uses numerical-gradient steps well
    // above it and takes full quasi-Newton steps where values cannot resolve the decrease. The fits use tolerance 1e-4
    // (EDM goal 1e-7): a fit stops within sqrt(2 EDM) ~ 4.5e-4 sigma of its own minimum, so two fits can agree to
    // 1e-3 sigma; the default goal (1e-4 at tolerance 0.1) allows 1.4e-2 sigma. The AD gradient of a ReLU network is
    // local (it jumps at every kink an event crosses) while the numerical one averages over a step of ~0.1 sigma, so
    // codegen-ad ends at a precision floor (random3: EDM 1.6e-6, valid as MINUIT's "machine accuracy limits further
    // improvement"). Measured: up to 6.6e-4 sigma (random3, codegen-ad vs interpreted), 2.2e-4 sigma (fixture).
    [Theory]
    [InlineData("fixture", 1e-3)]
    [InlineData("random3", 1e-3)]
    public void AllBackendsGiveTheSameFit(string name, double sigmaTolerance)
    {
        var c = Case(name);
        var fits = LikelihoodBackends.All.Select(b =>
        {
            var nll = c.Single.Build(b, c.Input);
            var minuit = new Minuit(nll, nll.Parameters) { Tolerance = 1e-4, UseAnalyticGradient = nll.HasGradient, UseAnalyticHessian = nll.HasHessian };
            var fit = minuit.Migrad();
            Assert.True(fit.IsValid, $"{b.Name()}: EDM {fit.Edm:G3}, {fit.InvalidReason}");
            return (Backend: b, Fit: minuit.Hesse());
        }).ToArray();
        var reference = fits[1].Fit;
        foreach (var (backend, fit) in fits)
            for (int k = 0; k < reference.Parameters.Count; k++)
            {
                var r = reference.Parameters[k]; var f = fit.Parameters[k];
                Assert.True(Math.Abs(f.Value - r.Value) <= sigmaTolerance * r.Error,
                    $"{backend.Name()} {r.Name}: {f.Value} vs {r.Value} (sigma {r.Error}, {(f.Value - r.Value) / r.Error:G3} sigma)");
                // HESSE: numerical second differences vs differences of the AD gradient over 0.1 sigma (ReLU kinks).
                Assert.True(Math.Abs(f.Error / r.Error - 1) <= 0.05, $"{backend.Name()} {r.Name}: error {f.Error} vs {r.Error}");
            }
    }
}
