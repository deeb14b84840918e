using System.CommandLine;

namespace SbiFit.Cli.Commands;

/// <summary>Wraps a command body so that bad input becomes one clear message on stderr and a non-zero exit code.</summary>
internal static class CommandRunner
{
    public static void SetSafeAction(this Command command, CliConsole console, Func<ParseResult, int> body)
    {
        command.SetAction(parse =>
        {
            try
            {
                return body(parse);
            }
            catch (Exception ex) when (IsUserError(ex))
            {
                console.Error.WriteLine($"error: {ex.Message}");
                return SbiFitApp.ExitBadInput;
            }
            catch (Exception ex)
            {
                console.Error.WriteLine($"internal error: {ex}");
                return SbiFitApp.ExitInternal;
            }
        });
    }

    // Every layer reports bad input with its own exception type; these, and the framework's argument/format/I/O
    // exceptions, are the user's to fix (exit 2). Anything else is a bug (exit 3, with the stack trace).
    private static bool IsUserError(Exception ex) =>
        ex is ArgumentException or FormatException or IOException or InvalidDataException or UnauthorizedAccessException
            or NotSupportedException or CliUsageException
            or Data.DataException or Physics.Detector.GeneratorConfigException or Learning.Onnx.OnnxModelException
            or Inference.Templates.TemplateException or Codegen.CodegenException or Pipeline.PipelineConfigException;
}

/// <summary>An impossible or inconsistent combination of options.</summary>
public sealed class CliUsageException(string message) : Exception(message);
