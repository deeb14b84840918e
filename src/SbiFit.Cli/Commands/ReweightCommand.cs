using System.CommandLine;
using System.Globalization;
using SbiFit.Data;
using SbiFit.Data.Reweighting;
using SbiFit.Physics;

namespace SbiFit.Cli.Commands;

/// <summary><c>sbifit reweight</c>: adds the normalised per-event weight for a WC point (or per-event θ) to a generated file.</summary>
internal static class ReweightCommand
{
    public static Command Create(CliConsole console)
    {
        var input = new Option<string>("--in") { Description = "Generated file with w_* columns (.parquet or .csv).", Required = true };
        var wc = new Option<string>("--wc") { Description = "Wilson coefficients, e.g. \"V_R=0.5\" (with --theta-uniform: the base point).", DefaultValueFactory = _ => "SM" };
        var output = new Option<string>("--out") { Description = "Output file; may equal --in (written atomically).", Required = true };
        var theta = new Option<string[]>("--theta-uniform") { Description = "Per-event uniform theta NAME:LO:HI, e.g. V_R:-1:1 (repeat for a box); adds theta_<NAME> columns." };
        var seed = new Option<ulong>("--seed") { Description = "Seed for the per-event theta.", DefaultValueFactory = _ => 1 };
        var cmd = new Command("reweight", "Add a 'weight' column w = N * c W c^+ / I(c) (normalised as in the seed; mean 1).")
        {
            input, wc, output, theta, seed,
        };
        cmd.SetSafeAction(console, parse =>
        {
            var c = WilsonCoefficients.Parse(parse.GetValue(wc)!);
            var ranges = (parse.GetValue(theta) ?? []).Select(UniformThetaRange.Parse).ToList();
            string outPath = parse.GetValue(output)!;
            GenerateCommand.CheckOutputPath(outPath);
            EventTable table = EventTableIO.Read(parse.GetValue(input)!);
            var rw = new Reweighter(table);
            var inv = CultureInfo.InvariantCulture;
            if (ranges.Count == 0)
            {
                table.SetColumn(EventSchema.Weight, rw.NormalisedWeights(c));
                table.Metadata["weight_wc"] = c.ToString();
                console.Out.WriteLine(string.Create(inv,
                    $"reweighted {rw.Count} events to {c}: I(c)/N = {rw.Normalisation(c) / rw.Count:G6} (ratio to the generated point)"));
            }
            else
            {
                ulong s = parse.GetValue(seed);
                var (w, thetas) = rw.UniformThetaWeights(c, ranges, s);
                table.SetColumn(EventSchema.Weight, w);
                for (int j = 0; j < ranges.Count; j++) table.SetColumn(ranges[j].ColumnName, thetas[j]);
                table.Metadata["weight_wc"] = c.ToString();
                table.Metadata["weight_theta_uniform"] = string.Join(";", ranges.Select(r => string.Create(inv, $"{r.Component.Name}:{r.Lo:R}:{r.Hi:R}")));
                table.Metadata["weight_theta_seed"] = s.ToString(inv);
                console.Out.WriteLine($"reweighted {rw.Count} events with per-event theta ({string.Join(", ", ranges.Select(r => r.ColumnName))}) around {c}");
            }
            table.Metadata["weight_normalisation"] = Reweighter.NormalisationConvention;
            EventTableIO.Write(table, outPath);
            return 0;
        });
        return cmd;
    }
}
