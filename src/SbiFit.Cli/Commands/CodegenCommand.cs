using System.CommandLine;
using System.Diagnostics;
using SbiFit.Codegen;
using SbiFit.Learning.Onnx;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit codegen --model M.onnx --emit DIR [--nll] [--precision float|double]</c>: readable generated C#.</summary>
internal static class CodegenCommand
{
    public static Command Create(CliConsole console)
    {
        var model = new Option<string>("--model") { Description = "ONNX model (theory-aware pattern: ours or an imported PyTorch one)." };
        var emit = new Option<string>("--emit") { Description = "Folder for the generated .cs files (created if missing)." };
        var nll = new Option<bool>("--nll") { Description = "Also emit the whole NLL (learned ratio, extended term, AD passes)." };
        var precision = new Option<string>("--precision") { Description = "Kernel type: float (production) or double (verification).", DefaultValueFactory = _ => "float" };
        var command = new Command("codegen", "Generate C# for a network (and its NLL), compile it, and write the source so it can be read.");
        command.Options.Add(model); command.Options.Add(emit); command.Options.Add(nll); command.Options.Add(precision);
        command.SetSafeAction(console, parse =>
        {
            string path = parse.GetValue(model) ?? throw new CliUsageException("--model FILE is required.");
            string dir = parse.GetValue(emit) ?? throw new CliUsageException("--emit DIR is required.");
            var prec = parse.GetValue(precision)?.Trim().ToLowerInvariant() switch
            {
                "float" or "single" or "float32" => Precision.Single,
                "double" or "float64" => Precision.Double,
                var other => throw new CliUsageException($"--precision '{other}': valid values are float, double."),
            };
            var net = OnnxModelReader.Load(path).Network
                ?? throw new CliUsageException($"--model '{path}': the graph is not the theory-aware network pattern, so it cannot be generated.");
            var cache = new CodeCache();
            string file = NetworkCodeGenerator.Emit(net, dir, prec);
            console.Out.WriteLine($"wrote {file} (+ {NetworkCodeGenerator.ConstantsPath(file)})");
            using (var code = NetworkCodeGenerator.Compile(net, prec, cache)) Report(console, "network", code.Report);
            if (parse.GetValue(nll))
            {
                // The structure the fitting commands compile (extended term on, no constraints), so this also fills the
                // disk cache for fits; the rate form's values in the constants file are placeholders a fit replaces.
                var options = NllCodeGenerator.FitStructure(net.ThetaCount, prec);
                string nllFile = NllCodeGenerator.Emit(net, options, dir);
                console.Out.WriteLine($"wrote {nllFile} (+ {NetworkCodeGenerator.ConstantsPath(nllFile)}; its RateB/RateC2/RateScalars are placeholders a fit replaces with its data's rate form)");
                using var code = NllCodeGenerator.Compile(net, options, cache);
                Report(console, "NLL", code.Report);
            }
            return 0;
        });
        return command;
    }

    static void Report(CliConsole console, string what, CompileReport r) =>
        console.Out.WriteLine($"{what}: {(r.CacheHit ? "cache hit" : "compiled")} in {r.Seconds:F3} s ({r.SourceBytes / 1024.0:F0} KiB source, key {r.CacheKey[..12]})");
}
