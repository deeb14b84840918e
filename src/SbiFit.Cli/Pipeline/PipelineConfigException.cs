namespace SbiFit.Cli.Pipeline;

/// <summary>An invalid pipeline configuration; <see cref="KeyPath"/> names the offending key (e.g. <c>training.epochs</c>).</summary>
public sealed class PipelineConfigException : Exception
{
    /// <summary>Creates the exception for <paramref name="keyPath"/> with the problem description.</summary>
    public PipelineConfigException(string keyPath, string problem, string? file = null, Exception? inner = null)
        : base($"{(file is null ? "" : file + ": ")}config key '{keyPath}': {problem}", inner)
    {
        KeyPath = keyPath;
        Problem = problem;
        File = file;
    }

    /// <summary>What is wrong with the key.</summary>
    public string Problem { get; }

    /// <summary>The configuration file, when known.</summary>
    public string? File { get; }

    /// <summary>Dotted path of the offending key ('' for the document itself).</summary>
    public string KeyPath { get; }
}
