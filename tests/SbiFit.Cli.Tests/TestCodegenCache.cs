using System.Runtime.CompilerServices;

namespace SbiFit.Cli.Tests;

/// <summary>
/// The CLI tests run commands in-process, and the fitting commands use the codegen disk cache: point it at a folder of
/// the test run's own (shared by later runs, so kernels compiled once are reused) instead of the user's ~/.cache.
/// </summary>
internal static class TestCodegenCache
{
#pragma warning disable CA2255 // a test assembly is the place for this initialiser
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void UseTestFolder()
    {
        if (Environment.GetEnvironmentVariable("SBIFIT_CODEGEN_CACHE") is not { Length: > 0 })
            Environment.SetEnvironmentVariable("SBIFIT_CODEGEN_CACHE", Path.Combine(Path.GetTempPath(), "sbifit-tests-codegen-cache"));
    }
}
