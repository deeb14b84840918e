using System.CommandLine;
using System.Globalization;
using SbiFit.Codegen;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit cache [--clear]</c>: the disk cache of compiled generated kernels (where it is, what it holds).</summary>
internal static class CacheCommand
{
    public static Command Create(CliConsole console)
    {
        var clear = new Option<bool>("--clear") { Description = "Remove every compiled image from the cache (later fits compile again)." };
        var dir = new Option<string?>("--dir") { Description = "Cache folder (default: $SBIFIT_CODEGEN_CACHE, else $XDG_CACHE_HOME/sbifit/codegen, else ~/.cache/sbifit/codegen)." };
        var command = new Command("cache", "Show (or --clear) the disk cache of compiled generated kernels: folder, entries, size. " +
                                           $"Set SBIFIT_CODEGEN_CACHE to move it; it keeps the {CodeCache.DefaultMaxEntries} most recently used images.");
        command.Options.Add(clear);
        command.Options.Add(dir);
        command.SetSafeAction(console, parse =>
        {
            var cache = new CodeCache(parse.GetValue(dir));
            var entries = cache.Entries();
            console.Out.WriteLine($"codegen cache: {cache.Directory}");
            if (parse.GetValue(clear))
            {
                int removed = cache.Clear();
                console.Out.WriteLine($"removed {removed} of {entries.Count} compiled image(s)");
                return removed == entries.Count ? 0 : 1;
            }
            long bytes = entries.Sum(e => e.Bytes);
            console.Out.WriteLine($"{entries.Count} compiled image(s), {bytes / 1024.0:F0} KiB (at most {cache.MaxEntries} kept, least recently used removed first)");
            foreach (var e in entries)
                console.Out.WriteLine($"  {e.Key[..12]}  {e.Bytes / 1024.0,7:F1} KiB  last used {e.LastUsedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
            return 0;
        });
        return command;
    }
}
