using SbiFit.Inference.Likelihood;
using SbiFit.Physics;
using SbiFit.Physics.Detector;

namespace SbiFit.Cli.Pipeline;

/// <summary>Range and consistency checks of a <see cref="PipelineConfig"/>, each failure naming its key path.</summary>
internal static class PipelineConfigValidator
{
    public static readonly string[] Backends = { "interpreted", "runtime", "codegen", "codegen-ad" };
    public static readonly string[] Activations = { "relu", "tanh", "silu" };

    public static void Validate(PipelineConfig c)
    {
        static void Require(bool ok, string key, string problem)
        {
            if (!ok) throw new PipelineConfigException(key, problem);
        }
        Require(!string.IsNullOrWhiteSpace(c.Out), "out", "must be a non-empty folder path");
        Require(c.Events is not null, "events", "must be a mapping");
        Require(c.Events!.Train > 0 && c.Events.Train <= Array.MaxLength, "events.train", $"must be positive, got {c.Events.Train}");
        Require(c.Events.Test > 0 && c.Events.Test <= Array.MaxLength, "events.test", $"must be positive, got {c.Events.Test}");

        Require(c.Generator is not null, "generator", "must be a mapping");
        ParseLepton(c.Generator!.Lepton);
        Require(c.Generator.Detector is not null, "generator.detector", "must be a mapping");
        try
        {
            c.Generator.Detector!.Validate();
        }
        catch (GeneratorConfigException e)
        {
            string key = e.Message.Split('\'') is { Length: > 2 } parts ? parts[1] : "";
            throw new PipelineConfigException($"generator.detector{(key.Length > 0 ? "." + key : "")}", e.Message, null, e);
        }

        Require(c.Wilson?.Parameters is { Length: > 0 }, "wilson.parameters", "must list at least one parameter");
        var ps = c.Wilson!.Parameters;
        for (int i = 0; i < ps.Length; i++)
        {
            string key = $"wilson.parameters[{i}]";
            Require(ps[i] is not null, key, "must be a mapping with name, lo, hi");
            Require(double.IsFinite(ps[i].Lo) && double.IsFinite(ps[i].Hi), key, "lo and hi must be finite");
            Require(ps[i].Lo < ps[i].Hi, $"{key}.lo", $"lo ({ps[i].Lo}) must be below hi ({ps[i].Hi})");
        }
        try
        {
            _ = new WilsonParameterMap(ps.Select(p => p.Name ?? "").ToArray());
        }
        catch (ArgumentException e)
        {
            throw new PipelineConfigException("wilson.parameters", e.Message, null, e);
        }

        Require(c.Network?.Hidden is { Length: > 0 }, "network.hidden", "must list at least one hidden layer width");
        for (int i = 0; i < c.Network!.Hidden.Length; i++)
            Require(c.Network.Hidden[i] > 0, $"network.hidden[{i}]", $"layer width must be positive, got {c.Network.Hidden[i]}");
        Require(Activations.Contains(c.Network.Activation), "network.activation", $"unknown activation '{c.Network.Activation}' (use {string.Join(", ", Activations)})");

        Require(c.Network.LatentInputs is null or >= 0, "network.latent_inputs", $"must be 0 or positive (or absent: one per WC), got {c.Network.LatentInputs}");

        var t = c.Training ?? throw new PipelineConfigException("training", "must be a mapping");
        Require(t.Epochs > 0, "training.epochs", $"must be positive, got {t.Epochs}");
        Require(t.LearningRate > 0 && double.IsFinite(t.LearningRate), "training.learning_rate", $"must be positive, got {t.LearningRate}");
        Require(t.L2 >= 0 && double.IsFinite(t.L2), "training.l2", $"must be non-negative, got {t.L2}");
        Require(t.BatchSize >= 0, "training.batch_size", $"must be 0 (full batch) or positive, got {t.BatchSize}");
        Require(t.Patience >= 0, "training.patience", $"must be non-negative, got {t.Patience}");
        Require(t.Polish >= 0, "training.polish", $"must be non-negative, got {t.Polish}");
        Require(t.Threads >= 0, "training.threads", $"must be 0 (all cores) or positive, got {t.Threads}");
        Require(t.ValidationFraction > 0 && t.ValidationFraction < 1, "training.validation_fraction", $"must lie in (0, 1), got {t.ValidationFraction}");

        var f = c.Fit ?? throw new PipelineConfigException("fit", "must be a mapping");
        Require(Backends.Contains(f.Backend), "fit.backend", $"unknown backend '{f.Backend}' (use {string.Join(", ", Backends)})");
        Require(f.ThetaGen is { Length: > 0 }, "fit.theta_gen", "must list at least one generation point");
        for (int i = 0; i < f.ThetaGen.Length; i++)
        {
            string key = $"fit.theta_gen[{i}]";
            Require(f.ThetaGen[i] is not null && f.ThetaGen[i].Length == ps.Length, key,
                $"needs one value per Wilson parameter ({ps.Length}), got {f.ThetaGen[i]?.Length ?? 0}");
            for (int k = 0; k < ps.Length; k++)
                Require(f.ThetaGen[i][k] >= ps[k].Lo && f.ThetaGen[i][k] <= ps[k].Hi, key,
                    $"{ps[k].Name} = {f.ThetaGen[i][k]} lies outside its range [{ps[k].Lo}, {ps[k].Hi}]");
        }
        Require(f.ScanPoints >= 3, "fit.scan_points", $"must be at least 3, got {f.ScanPoints}");
        Require(f.Toys >= 0, "fit.toys", $"must be non-negative, got {f.Toys}");

        var cl = c.Classical ?? throw new PipelineConfigException("classical", "must be a mapping");
        Require(!string.IsNullOrWhiteSpace(cl.Bins), "classical.bins", "must be 'default', 'quantile' or a binning spec");
        if (!cl.Bins.Contains("quantile", StringComparison.OrdinalIgnoreCase) && !cl.Bins.Contains(":q", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                _ = Inference.Templates.Binning.Parse(cl.Bins); // quantile edges need the sample; everything else is checked now
            }
            catch (Inference.Templates.TemplateException e)
            {
                throw new PipelineConfigException("classical.bins", e.Message, null, e);
            }
        }
        if (cl.NormUncertainty is { } s) Require(s > 0, "classical.norm_uncertainty", $"must be positive (or .inf for a free norm), got {s}");
        Require(c.Report is not null, "report", "must be a mapping");
    }

    public static Lepton ParseLepton(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "mu" or "muon" => Lepton.Muon,
        "e" or "electron" => Lepton.Electron,
        "tau" => Lepton.Tau,
        _ => throw new PipelineConfigException("generator.lepton", $"unknown lepton '{name}' (use mu, e or tau)"),
    };
}
