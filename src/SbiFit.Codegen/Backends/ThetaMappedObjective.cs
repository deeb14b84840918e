using SbiFit.Inference;

namespace SbiFit.Codegen.Backends;

/// <summary>Maps fit parameters onto network theta for the generated NLL (which is written in network theta).</summary>
internal static class CodegenThetaMap
{
    /// <summary>
    /// Network theta index of every fit parameter. The generated NLL is a function of network theta, so each fit
    /// parameter must feed exactly one theta input (thetas fed by none are held at zero).
    /// </summary>
    public static int[] Invert(int[] thetaToParam, SbiLikelihoodInput input)
    {
        var paramToTheta = Enumerable.Repeat(-1, input.Parameters.Count).ToArray();
        for (int t = 0; t < thetaToParam.Length; t++)
        {
            int k = thetaToParam[t];
            if (k < 0) continue;
            if (paramToTheta[k] >= 0)
                throw new ArgumentException($"fit parameter '{input.Parameters[k].Name}' feeds two network theta inputs; the codegen backends need one.");
            paramToTheta[k] = t;
        }
        for (int k = 0; k < paramToTheta.Length; k++)
            if (paramToTheta[k] < 0)
                throw new ArgumentException($"fit parameter '{input.Parameters[k].Name}' feeds no network theta input; the codegen backends " +
                                            "write the NLL in network theta (use the interpreted or runtime backend).");
        return paramToTheta;
    }

    /// <summary>
    /// The reference rate form in network theta: Q(θ) = a + b·θ + θᵀCθ with a = I(0), b = ∇I(0) and C = ∇²I/2
    /// (exact: I is quadratic in the real fit parameters), so ν = N_SM·Q/a equals the <c>ExtendedTerm</c>'s N_SM·I/I(0).
    /// </summary>
    public static RateForm? RateForm(SbiLikelihoodInput input, int[] paramToTheta, int thetaCount)
    {
        if (input.Rate is not { } rate) return null;
        var (map, index) = input.RateMap();
        int m = map.Count;
        var zero = new double[m];
        double a = rate.Evaluate(map, zero);
        if (!(a > 0)) throw new ArgumentException($"the reference rate I(0) = {a} is not positive: the sample has no SM weight.");
        var grad = new double[m]; var hess = new double[m * m];
        rate.Gradient(map, zero, grad);
        rate.Hessian(map, hess);
        var b = new double[thetaCount]; var c = new double[thetaCount * thetaCount];
        for (int r = 0; r < m; r++)
        {
            int t = paramToTheta[index[r]];
            b[t] = grad[r];
            for (int s = 0; s < m; s++) c[t * thetaCount + paramToTheta[index[s]]] = 0.5 * hess[r * m + s];
        }
        return new RateForm(input.StandardModelYield, a, b, c);
    }
}

/// <summary>
/// <see cref="CompiledNll"/> (a function of network theta) seen as a function of the fit parameters:
/// θ_t = p[k(t)] or 0, ∂/∂p_k = ∂/∂θ_{t(k)} (each parameter feeds exactly one theta).
/// </summary>
internal sealed class ThetaMappedObjective(CompiledNll nll, int[] thetaToParam, int parameters) : IObjective
{
    readonly double[] theta = new double[thetaToParam.Length];
    readonly double[] thetaGradient = new double[thetaToParam.Length];
    readonly double[] thetaHessian = new double[thetaToParam.Length * thetaToParam.Length];

    public int Dimension => parameters;
    public bool HasGradient => nll.HasGradient;
    public bool HasHessian => nll.HasHessian;

    double[] Theta(ReadOnlySpan<double> p)
    {
        if (p.Length != parameters) throw new ArgumentException($"the NLL takes {parameters} fit parameters, got {p.Length}.");
        for (int t = 0; t < theta.Length; t++) theta[t] = thetaToParam[t] < 0 ? 0 : p[thetaToParam[t]];
        return theta;
    }

    public double Value(ReadOnlySpan<double> p) => nll.Value(Theta(p));

    public double MeanSmRatio(ReadOnlySpan<double> p) => nll.MeanSmRatio(Theta(p));

    public double ValueAndGradient(ReadOnlySpan<double> p, Span<double> gradient)
    {
        double v = nll.ValueAndGradient(Theta(p), thetaGradient);
        gradient[..parameters].Clear();
        for (int t = 0; t < theta.Length; t++) if (thetaToParam[t] >= 0) gradient[thetaToParam[t]] = thetaGradient[t];
        return v;
    }

    public void Hessian(ReadOnlySpan<double> p, Span<double> hessian) => Hessian(p, hessian, default);

    public void Hessian(ReadOnlySpan<double> p, Span<double> hessian, ReadOnlySpan<double> scales)
    {
        int n = theta.Length;
        double[] thetaScales = [];
        if (scales.Length == parameters)
        {
            thetaScales = new double[n];
            for (int t = 0; t < n; t++) thetaScales[t] = thetaToParam[t] < 0 ? 0 : scales[thetaToParam[t]];
        }
        nll.Hessian(Theta(p), thetaHessian, thetaScales);
        hessian[..(parameters * parameters)].Clear();
        for (int t = 0; t < n; t++)
            for (int s = 0; s < n; s++)
                if (thetaToParam[t] >= 0 && thetaToParam[s] >= 0)
                    hessian[thetaToParam[t] * parameters + thetaToParam[s]] = thetaHessian[t * n + s];
    }
}
