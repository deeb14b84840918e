using System.CommandLine;
using SbiFit.Inference.Statistics;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit fit</c>: MIGRAD + HESSE (+ MINOS) of the oracle or learned NLL; iminuit-style print and JSON.</summary>
internal static class FitCommand
{
    /// <summary>|⟨r⟩_SM − 1| above which the learned ratio is flagged as badly normalised.</summary>
    private const double MeanRatioWarning = 0.1;

    public static Command Create(CliConsole console)
    {
        var lf = new LikelihoodFactory();
        var asimov = new Option<string?>("--asimov") { Description = "Fit the data weighted at this point instead (needs w_* columns), e.g. V_R=0.3." };
        var minos = new Option<bool>("--minos") { Description = "Also compute MINOS (asymmetric) errors." };
        var json = new Option<string?>("--json") { Description = "Write the fit summary (parameters, nll_min, edm, nfcn, valid, seconds) to this JSON file." };
        var command = new Command("fit", "Fit the parameters of interest with the truth-level oracle or the learned (sbi) likelihood plus the extended term. " +
                                          "Exit code 1 when the minimum is not valid.");
        lf.AddTo(command);
        command.Options.Add(asimov);
        command.Options.Add(minos);
        command.Options.Add(json);
        command.SetSafeAction(console, parse =>
        {
            using var ll = lf.Load(parse);
            var weights = DataWeights(ll, parse.GetValue(asimov), "--asimov");
            var nll = ll.Setup.Build(weights);
            var (_, result) = Fitter.Fit(nll, ll.Setup.Parameters(), new FitOptions(Minos: parse.GetValue(minos)));
            console.Out.WriteLine($"likelihood: {ll.Setup.Kind} ({ll.Backend}), {ll.Setup.Events} events, sum of weights {weights.Sum():G6}");
            if (nll is Codegen.Backends.SbiLikelihood { Compile: { } compile }) console.Out.WriteLine(KernelsLine(compile));
            console.Out.WriteLine(result.ToString());
            double meanR = LikelihoodSetup.MeanSmRatio(nll, result.Values);
            if (double.IsFinite(meanR))
            {
                console.Out.WriteLine($"mean learned ratio over the SM sample at the minimum: {meanR:G5}");
                if (Math.Abs(meanR - 1) > MeanRatioWarning)
                    console.Error.WriteLine($"warning: the mean learned ratio over the SM sample is {meanR:G4} (differs from 1 by more than {MeanRatioWarning}): the network may be badly trained");
            }
            if (parse.GetValue(json) is { } path)
            {
                FitSummary.From(result, ll.Setup.Kind, ll.Backend).Write(path);
                console.Out.WriteLine($"wrote {path}");
            }
            return result.IsValid ? 0 : 1;
        });
        return command;
    }

    /// <summary>The data's weights, or the Asimov weights at the point given by an "--asimov V_R=0.3" option.</summary>
    internal static double[] DataWeights(LoadedLikelihood ll, string? asimovPoint, string option) =>
        asimovPoint is null
            ? ll.BaseWeights
            : ll.Setup.AsimovWeights(LikelihoodFactory.ParseAssignments(asimovPoint, ll.Setup.Pois, option), ll.BaseWeights);

    /// <summary>How the fit got its generated kernels: compiled (in the background or here) or loaded, and whether later fits will find them cached.</summary>
    static string KernelsLine(Codegen.CompileReport compile)
    {
        string how = compile.BackgroundSeconds is { } bg
            ? $"compiled in {bg:F2} s in the background while the data loaded; the fit waited {compile.Seconds:F2} s for them"
            : $"{(compile.CacheHit ? "loaded from the disk cache" : "compiled")} in {compile.Seconds:F2} s";
        string later = compile.CacheHit ? ""
            : compile.Cached ? "; now in the disk cache, so later fits of a model of this shape load them (sbifit train puts them there ahead)"
            : "; the disk cache could not be written, so later fits compile them again";
        return $"generated kernels: {how} (key {compile.CacheKey[..12]}){later}";
    }
}
