using Spectre.Console;

namespace SbiFit.Cli;

/// <summary>Output streams of one CLI invocation, with progress reporting that degrades to plain lines when redirected.</summary>
public sealed class CliConsole
{
    /// <summary>Creates the console over the given writers.</summary>
    public CliConsole(TextWriter stdout, TextWriter stderr)
    {
        Out = stdout;
        Error = stderr;
        Interactive = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
    }

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>True when a live progress bar can be drawn.</summary>
    public bool Interactive { get; }

    /// <summary>Runs <paramref name="work"/> with a progress bar (fraction 0..1) labelled <paramref name="description"/>.</summary>
    public T WithProgress<T>(string description, Func<IProgress<double>, T> work)
    {
        if (Interactive)
        {
            T result = default!;
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(description), maxValue: 1.0);
                    result = work(new Progress<double>(f => task.Value = Math.Clamp(f, 0, 1)));
                    task.Value = 1.0;
                });
            return result;
        }
        var reporter = new LineProgress(Out, description);
        var r = work(reporter);
        reporter.Finish();
        return r;
    }

    /// <summary>Runs <paramref name="work"/> with a progress bar.</summary>
    public void WithProgress(string description, Action<IProgress<double>> work) =>
        WithProgress<int>(description, p => { work(p); return 0; });

    /// <summary>Plain-text progress: prints at every 10 % step.</summary>
    private sealed class LineProgress : IProgress<double>
    {
        private readonly TextWriter _out;
        private readonly string _description;
        private int _lastDecile = -1;
        private readonly object _lock = new();

        public LineProgress(TextWriter output, string description) { _out = output; _description = description; }

        public void Report(double value)
        {
            int decile = (int)Math.Floor(Math.Clamp(value, 0, 1) * 10);
            lock (_lock)
            {
                if (decile <= _lastDecile) return;
                _lastDecile = decile;
                _out.WriteLine($"{_description}: {decile * 10}%");
            }
        }

        public void Finish() => Report(1.0);
    }
}
