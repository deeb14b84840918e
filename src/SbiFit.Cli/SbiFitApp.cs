using System.CommandLine;
using SbiFit.Cli.Commands;

namespace SbiFit.Cli;

/// <summary>The <c>sbifit</c> command line: builds the command tree and maps errors to exit codes.</summary>
public static class SbiFitApp
{
    /// <summary>Exit code for bad input or impossible options.</summary>
    public const int ExitBadInput = 2;

    /// <summary>Exit code for an unexpected internal failure.</summary>
    public const int ExitInternal = 3;

    /// <summary>Runs the command line and returns the process exit code.</summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var console = new CliConsole(stdout ?? Console.Out, stderr ?? Console.Error);
        var root = new RootCommand("SbiFit: simulation-based inference for B0 -> D*- mu+ nu with new-physics Wilson coefficients.\n" +
                                   "Simulate, reweight, train a theory-aware classifier, fit with a learned likelihood, compare with a binned template fit.");
        foreach (var command in CommandCatalog.Build(console)) root.Subcommands.Add(command);
        var config = new InvocationConfiguration { Output = console.Out, Error = console.Error };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?"))
        {
            // Malformed options are bad input like any other: one clear message each and the bad-input exit code.
            foreach (var error in parse.Errors) console.Error.WriteLine($"error: {error.Message}");
            console.Error.WriteLine("Run 'sbifit --help' or 'sbifit <command> --help' for the options.");
            return ExitBadInput;
        }
        return parse.Invoke(config);
    }
}
