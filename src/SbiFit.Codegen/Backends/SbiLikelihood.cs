using SbiFit.Inference;
using SbiFit.Inference.Minimisation;

namespace SbiFit.Codegen.Backends;

/// <summary>
/// The SBI NLL of one backend over the fit parameters (an <see cref="IObjective"/>), with how it was built.
/// Not safe for concurrent calls. Valid while the <see cref="SbiLikelihoodBuilder"/> that built it is not disposed.
/// </summary>
public sealed class SbiLikelihood : ISmNormalisedObjective
{
    readonly IObjective objective;

    internal SbiLikelihood(LikelihoodBackend backend, IReadOnlyList<Parameter> parameters, IObjective objective,
        CompiledNll? compiled, CompileReport? compile, double setupSeconds, double absolutePrecision)
    {
        Backend = backend; Parameters = parameters.ToArray(); this.objective = objective;
        AbsolutePrecision = absolutePrecision;
        Compiled = compiled; Compile = compile; SetupSeconds = setupSeconds;
    }

    /// <summary>The backend.</summary>
    public LikelihoodBackend Backend { get; }
    /// <summary>Fit parameters (vector order of <see cref="Value"/>).</summary>
    public IReadOnlyList<Parameter> Parameters { get; }
    /// <summary>The generated NLL over network theta (codegen backends; null otherwise), e.g. to set HessianSteps.</summary>
    public CompiledNll? Compiled { get; }
    /// <summary>Roslyn compile (or cache load) report of the generated backends; null for runtime/interpreted.</summary>
    public CompileReport? Compile { get; }
    /// <summary>Wall seconds of the whole build: compile, dataset binding and the logit(x, 0) cache.</summary>
    public double SetupSeconds { get; }

    /// <inheritdoc/>
    public int Dimension => objective.Dimension;
    /// <summary>
    /// The rounding scatter of the NLL (see <see cref="SbiLikelihoodBuilder.RoundingNoise"/>): the learned term sums
    /// float32 logits, so f is a noisy function of θ at this level, which the minimiser takes into account.
    /// </summary>
    public double AbsolutePrecision { get; }
    /// <inheritdoc/>
    public bool HasGradient => objective.HasGradient;
    /// <inheritdoc/>
    public bool HasHessian => objective.HasHessian;
    /// <inheritdoc/>
    public double Value(ReadOnlySpan<double> p) => objective.Value(p);
    /// <inheritdoc/>
    public double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient) => objective.ValueAndGradient(p, gradient);
    /// <inheritdoc/>
    public void Hessian(ReadOnlySpan<double> p, Span<double> hessian) => objective.Hessian(p, hessian);
    /// <inheritdoc/>
    public void Hessian(ReadOnlySpan<double> p, Span<double> hessian, ReadOnlySpan<double> scales) => objective.Hessian(p, hessian, scales);

    /// <inheritdoc/>
    public double MeanSmRatio(ReadOnlySpan<double> p) => objective switch
    {
        ThetaMappedObjective mapped => mapped.MeanSmRatio(p),
        Inference.Likelihood.NllModel model => model.Terms.OfType<Inference.Likelihood.LearnedRatioTerm>().FirstOrDefault()?.MeanSmRatio(p) ?? double.NaN,
        _ => double.NaN,
    };

    /// <summary>
    /// A MINUIT over this NLL (ErrorDef 0.5); analytic gradient and Hessian exactly when the backend has them
    /// (codegen-ad), numerical otherwise.
    /// </summary>
    public Minuit CreateMinuit() => new(this, Parameters) { UseAnalyticGradient = HasGradient, UseAnalyticHessian = HasHessian };
}
