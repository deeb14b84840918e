namespace SbiFit.Learning;

/// <summary>
/// Options of <see cref="Trainer.Train"/>. Defaults follow the seed: two hidden layers of 100 ReLU, Adam lr 0.005,
/// L2 1e-4, 1000 full-batch epochs, 20 % of events held out for the test loss.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Hidden layer widths.</summary>
    public IReadOnlyList<int> HiddenSizes { get; init; } = [100, 100];
    /// <summary>Hidden activation (ReLU, Tanh, SiLU, LeakyReLU).</summary>
    public Activation Activation { get; init; } = Activation.ReLU;
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 0.005;
    /// <summary>
    /// L2 strength λ with PyTorch's Adam <c>weight_decay</c> semantics: λ·p is added to the gradient of every
    /// parameter (W, b and V), i.e. the objective gains λ/2·Σp². The reported losses are the BCE alone.
    /// </summary>
    public double L2 { get; init; } = 1e-4;
    /// <summary>Number of epochs (passes over the training rows).</summary>
    public int Epochs { get; init; } = 1000;
    /// <summary>Rows per Adam step; 0 = full batch (one step per epoch). Rows are reshuffled every epoch from the seed.</summary>
    public int BatchSize { get; init; }
    /// <summary>Seed of the split, the initialisation and the shuffles.</summary>
    public ulong Seed { get; init; } = 42;
    /// <summary>Worker threads; 0 = all processors. Results do not depend on it.</summary>
    public int Threads { get; init; }
    /// <summary>Stop after this many epochs without a lower test loss and return the best epoch's weights; 0 = off.</summary>
    public int EarlyStoppingPatience { get; init; }
    /// <summary>Write a checkpoint every this many epochs (0 = never) to <see cref="CheckpointPath"/>.</summary>
    public int CheckpointEvery { get; init; }
    /// <summary>Checkpoint file (binary, overwritten atomically).</summary>
    public string? CheckpointPath { get; init; }
    /// <summary>Checkpoint to resume from; training continues bit-identically to an uninterrupted run.</summary>
    public string? ResumeFrom { get; init; }
    /// <summary>Fraction of events held out as the test set (both copies of an event go to the same side).</summary>
    public double ValidationFraction { get; init; } = 0.2;
    /// <summary>Slope of LeakyReLU.</summary>
    public float LeakySlope { get; init; } = 0.01f;
    /// <summary>
    /// Latent input dimensions appended (as zeros) to the standardised features before the shift θ·V; null = one per θ
    /// component (the default: the network can then learn any function of θ), 0 = the seed's pure shift z + θ·V, which
    /// cannot represent a Wilson-coefficient log-ratio exactly and biases Asimov fits (see docs/likelihood.md).
    /// </summary>
    public int? LatentInputs { get; init; }

    /// <summary>
    /// Full-batch L-BFGS iterations on the training loss after Adam (0 = none): a quasi-Newton polish that keeps the
    /// point with the lowest held-out loss. It lowers the learned log-ratio's error (and so the Asimov bias) where Adam
    /// has stalled; see docs/likelihood.md, "Training polish".
    /// </summary>
    public int PolishIterations { get; init; }

    /// <summary>The latent dimensions used for <paramref name="thetas"/> θ components.</summary>
    public int LatentInputsFor(int thetas) => LatentInputs ?? thetas;

    internal void Validate()
    {
        if (HiddenSizes.Count == 0 || HiddenSizes.Any(h => h <= 0))
            throw new ArgumentException($"hidden sizes must be a non-empty list of positive widths (got [{string.Join(",", HiddenSizes)}]).", nameof(HiddenSizes));
        if (Activation is not (Activation.ReLU or Activation.Tanh or Activation.SiLU or Activation.LeakyReLU or Activation.Sigmoid))
            throw new ArgumentException($"activation {Activation} is not a hidden-layer activation.", nameof(Activation));
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentException($"learning rate must be positive (got {LearningRate}).", nameof(LearningRate));
        if (!(L2 >= 0) || !double.IsFinite(L2)) throw new ArgumentException($"L2 must be >= 0 (got {L2}).", nameof(L2));
        if (Epochs < 1) throw new ArgumentException($"epochs must be >= 1 (got {Epochs}).", nameof(Epochs));
        if (BatchSize < 0) throw new ArgumentException($"batch size must be >= 0 (got {BatchSize}).", nameof(BatchSize));
        if (LatentInputs < 0) throw new ArgumentException($"latent inputs must be >= 0 (got {LatentInputs}).", nameof(LatentInputs));
        if (PolishIterations < 0) throw new ArgumentException($"polish iterations must be >= 0 (got {PolishIterations}).", nameof(PolishIterations));
        if (Threads < 0) throw new ArgumentException($"threads must be >= 0 (got {Threads}).", nameof(Threads));
        if (EarlyStoppingPatience < 0) throw new ArgumentException("early-stopping patience must be >= 0.", nameof(EarlyStoppingPatience));
        if (CheckpointEvery < 0) throw new ArgumentException("checkpoint interval must be >= 0.", nameof(CheckpointEvery));
        if (CheckpointEvery > 0 && string.IsNullOrWhiteSpace(CheckpointPath))
            throw new ArgumentException("checkpoint interval set but no checkpoint path.", nameof(CheckpointPath));
        if (!(ValidationFraction > 0 && ValidationFraction < 1))
            throw new ArgumentException($"validation fraction must be in (0, 1) (got {ValidationFraction}).", nameof(ValidationFraction));
    }
}

/// <summary>Progress after one epoch: 1-based epoch number, training loss (mean over the epoch's steps), test loss.</summary>
public sealed record EpochReport(int Epoch, int Epochs, double TrainLoss, double TestLoss);

/// <summary>
/// Outcome of training. <see cref="TrainLoss"/>/<see cref="TestLoss"/> hold one entry per completed epoch (index 0 =
/// epoch 1); <see cref="BestEpoch"/> is the 1-based epoch of the lowest test loss.
/// </summary>
public sealed record TrainingResult(TheoryAwareNetwork Network, double[] TrainLoss, double[] TestLoss, int BestEpoch, double Seconds)
{
    /// <summary>The L-BFGS polish after Adam, when <see cref="TrainingOptions.PolishIterations"/> asked for one.</summary>
    public PolishReport? Polish { get; init; }

    /// <summary>Writes <c>epoch,train_loss,test_loss</c> to a CSV file atomically.</summary>
    public void WriteLossCurves(string path) => LossCurveCsv.Write(path, TrainLoss, TestLoss);
}
