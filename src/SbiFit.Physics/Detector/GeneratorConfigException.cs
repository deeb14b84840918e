namespace SbiFit.Physics.Detector;

/// <summary>A generator or detector configuration value is invalid; the message names the option and the problem.</summary>
public sealed class GeneratorConfigException : Exception
{
    /// <summary>Creates the exception with a message naming the option.</summary>
    public GeneratorConfigException(string message, Exception? inner = null) : base(message, inner) { }
}
