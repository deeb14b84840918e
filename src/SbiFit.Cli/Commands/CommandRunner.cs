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

    private static bool IsUserError(Exception ex) =>
        ex is ArgumentException or FormatException or IOException or InvalidDataException or UnauthorizedAccessException
            or NotSupportedException or CliUsageException
        || ex.GetType().Name.EndsWith("DataException", StringComparison.Ordinal)
        || ex.GetType().Name.EndsWith("ModelException", StringComparison.Ordinal)
        || ex.GetType().Name.EndsWith("ConfigException", StringComparison.Ordinal)
        || ex.GetType().Name is "TemplateException" or "CodegenException" or "TrainingDataException" or "GeneratorConfigException";
}

/// <summary>An impossible or inconsistent combination of options.</summary>
public sealed class CliUsageException(string message) : Exception(message);
