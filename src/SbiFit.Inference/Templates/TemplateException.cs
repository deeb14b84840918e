namespace SbiFit.Inference.Templates;

/// <summary>Bad input to the binned template fit (binning spec, columns, counts, parameter names, workspace).</summary>
public sealed class TemplateException : Exception
{
    /// <summary>Creates the exception with a message that names the offending option, column or parameter.</summary>
    public TemplateException(string message) : base(message) { }

    /// <summary>Creates the exception wrapping an underlying cause.</summary>
    public TemplateException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The WC parameter map for <paramref name="names"/>, with a bad name reported as a template-fit error.</summary>
    internal static Likelihood.WilsonParameterMap ParameterMap(IReadOnlyList<string> names)
    {
        try
        {
            return new Likelihood.WilsonParameterMap(names);
        }
        catch (ArgumentException ex)
        {
            throw new TemplateException(ex.Message, ex);
        }
    }
}
