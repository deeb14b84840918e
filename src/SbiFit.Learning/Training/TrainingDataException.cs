namespace SbiFit.Learning;

/// <summary>Training data or options that cannot be trained on (empty, non-finite, negative weights, bad shapes…).</summary>
public sealed class TrainingDataException : ArgumentException
{
    /// <summary>Creates the exception with a message that names the offending input.</summary>
    public TrainingDataException(string message) : base(message) { }
}
