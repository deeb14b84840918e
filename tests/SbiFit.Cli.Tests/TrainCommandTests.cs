using SbiFit.Data;
using SbiFit.Learning.Onnx;
using SbiFit.Physics;

namespace SbiFit.Cli.Tests;

/// <summary>A tiny truth-level reweightable sample and one model trained on it by the CLI, shared by the command tests.</summary>
public sealed class TrainedModelFixture : IDisposable
{
    public static readonly string[] Features =
        [EventSchema.TrueQ2, EventSchema.TrueCosThetaD, EventSchema.TrueCosThetaL, EventSchema.TrueChi];

    public TrainedModelFixture()
    {
        Dir = Directory.CreateTempSubdirectory("sbifit-train-").FullName;
        Table = SmTable(400, 3);
        DataPath = Path.Combine(Dir, "sample.parquet");
        EventTableIO.Write(Table, DataPath);
        ModelPath = Path.Combine(Dir, "model.onnx");
        (Exit, StdOut, StdErr) = Cli.Run("train", "--data", DataPath, "--theta", "V_R:-1:1", "--out", ModelPath,
            "--features", string.Join(",", Features), "--hidden", "8,8", "--activation", "tanh", "--epochs", "5", "--seed", "3", "--threads", "1");
    }

    public string Dir { get; }
    public EventTable Table { get; }
    public string DataPath { get; }
    public string ModelPath { get; }
    public int Exit { get; }
    public string StdOut { get; }
    public string StdErr { get; }

    internal static EventTable SmTable(int events, ulong seed)
    {
        var sampler = new SmTruthSampler(Lepton.Muon, FormFactorsCln.Hflav2019);
        var rng = new Rng(seed, 1);
        var cols = Enumerable.Range(0, 4 + WeightMatrixLayout.PackedLength).Select(_ => new double[events]).ToArray();
        Span<double> w = stackalloc double[WeightMatrixLayout.PackedLength];
        for (int i = 0; i < events; i++)
        {
            var p = sampler.Sample(rng);
            WeightMatrix.Compute(p, Lepton.Muon, FormFactorsCln.Hflav2019, w);
            cols[0][i] = p.Q2; cols[1][i] = p.CosThetaD; cols[2][i] = p.CosThetaL; cols[3][i] = p.Chi;
            for (int k = 0; k < w.Length; k++) cols[4 + k][i] = w[k];
        }
        var table = new EventTable("cli test sample");
        for (int k = 0; k < 4; k++) table.AddColumn(Features[k], cols[k]);
        for (int k = 0; k < WeightMatrixLayout.PackedLength; k++) table.AddColumn(WeightMatrixLayout.ColumnNames[k], cols[4 + k]);
        return table;
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, true); } catch (IOException) { }
    }
}

/// <summary>Runs the CLI in-process and captures its output.</summary>
internal static class Cli
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter(); var e = new StringWriter();
        int code = SbiFitApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }
}

public class TrainCommandTests(TrainedModelFixture fx) : IClassFixture<TrainedModelFixture>
{
    [Fact]
    public void TrainWritesOnnxModelLossCurvesAndMetadata()
    {
        Assert.True(fx.Exit == 0, fx.StdOut + fx.StdErr);
        Assert.Contains("epoch 5/5", fx.StdOut);
        Assert.True(File.Exists(Path.Combine(fx.Dir, "model.loss.csv")));
        Assert.True(new FileInfo(Path.Combine(fx.Dir, "model.loss.png")).Length > 1000);
        Assert.Equal(6, File.ReadAllLines(Path.Combine(fx.Dir, "model.loss.csv")).Length); // header + 5 epochs

        var model = OnnxModelReader.Load(fx.ModelPath);
        Assert.Equal(TrainedModelFixture.Features, model.FeatureNames);
        Assert.Equal(["V_R"], model.ThetaNames);
        Assert.Equal("3", model.Metadata["seed"]);
        Assert.Contains("hidden=8,8", model.Metadata["training_settings"]);
        Assert.NotNull(model.Network);
        Assert.Equal(1, model.Network.LatentCount); // default: one latent input per theta

        // The graph interpreter and the network kernels agree on the saved graph.
        int rows = 50;
        var x = new float[rows * 4]; var theta = new float[rows];
        for (int i = 0; i < rows; i++)
        {
            for (int k = 0; k < 4; k++) x[i * 4 + k] = (float)fx.Table.GetColumn(TrainedModelFixture.Features[k])[i];
            theta[i] = -1f + 2f * i / rows;
        }
        var viaGraph = new float[rows]; var viaNet = new float[rows];
        model.Logits(x, theta, rows, viaGraph); // OnnxModel.Logits runs the graph interpreter
        model.Network!.Logits(x, theta, rows, viaNet);
        for (int i = 0; i < rows; i++) Assert.Equal(viaNet[i], viaGraph[i], 1e-4f);
    }

    [Fact]
    public void SameSeedGivesTheSameModel()
    {
        string other = Path.Combine(fx.Dir, "again.onnx");
        var r = Cli.Run("train", "--data", fx.DataPath, "--theta", "V_R:-1:1", "--out", other,
            "--features", string.Join(",", TrainedModelFixture.Features), "--hidden", "8,8", "--activation", "tanh", "--epochs", "5", "--seed", "3", "--threads", "2");
        Assert.Equal(0, r.Exit);
        var a = OnnxModelReader.Load(fx.ModelPath).Network!; var b = OnnxModelReader.Load(other).Network!;
        Assert.Equal(a.Layers[0].Weights, b.Layers[0].Weights);
        Assert.Equal(a.Shift, b.Shift);
    }

    [Fact]
    public void SbiFitsAreBoundedByTheModelsTrainingRange()
    {
        // The network extrapolates outside the θ range it was trained on, so the fit parameters carry that range as limits.
        using var sbi = Commands.LikelihoodFactory.Build(fx.Table, null, ["V_R"], "sbi", fx.ModelPath, "interpreted", []);
        var p = Assert.Single(sbi.Setup.Parameters());
        Assert.Equal((-1.0, 1.0), (p.Lower, p.Upper));
        Assert.InRange(sbi.Setup.Parameters([3.0])[0].Value, 0.99, 1.0 - 1e-6); // a start outside is moved just inside
        using var oracle = Commands.LikelihoodFactory.Build(fx.Table, null, ["V_R"], "oracle", null, "interpreted", []);
        Assert.Null(Assert.Single(oracle.Setup.Parameters()).Lower); // the exact ratio is valid everywhere
    }

    /// <summary>`train` on the fixture sample: 8x8 network, 2 epochs, one thread, plus <paramref name="extra"/> options.</summary>
    (int Exit, string Out, string Err) TrainBriefly(string outPath, params string[] extra) =>
        Cli.Run(["train", "--data", fx.DataPath, "--theta", "V_R:-1:1", "--out", outPath, "--features", string.Join(",", TrainedModelFixture.Features),
            "--hidden", "8,8", "--epochs", "2", "--threads", "1", .. extra]);

    [Fact]
    public void TrainPrecompilesTheFitKernelsUnlessAskedNotTo()
    {
        var r = TrainBriefly(Path.Combine(fx.Dir, "aot.onnx"));
        Assert.True(r.Exit == 0, r.Err);
        Assert.Matches(@"NLL kernels for fits \(codegen backends\): (compiled in [0-9.]+ s|already in the cache) \(key [0-9a-f]{12}\)", r.Out);
        r = TrainBriefly(Path.Combine(fx.Dir, "no-aot.onnx"), "--no-precompile");
        Assert.True(r.Exit == 0, r.Err);
        Assert.DoesNotContain("NLL kernels for fits", r.Out);
    }

    [Fact]
    public void LatentInputsZeroGivesTheSeedsPureShiftNetwork()
    {
        string path = Path.Combine(fx.Dir, "shift.onnx");
        var r = TrainBriefly(path, "--latent-inputs", "0");
        Assert.True(r.Exit == 0, r.Err);
        var net = OnnxModelReader.Load(path).Network!;
        Assert.Equal(0, net.LatentCount);
        Assert.Equal(4, net.Shift.Length);
    }

    [Fact]
    public void PolishRunsAfterAdamAndIsRecordedInTheModel()
    {
        string path = Path.Combine(fx.Dir, "polished.onnx");
        var r = TrainBriefly(path, "--polish", "5");
        Assert.True(r.Exit == 0, r.Err);
        Assert.Contains("L-BFGS polish:", r.Out);
        Assert.Contains("polish=5", OnnxModelReader.Load(path).Metadata["training_settings"]);
        r = TrainBriefly(Path.Combine(fx.Dir, "bad.onnx"), "--polish", "-1");
        Assert.Equal(2, r.Exit);
        Assert.Contains("polish iterations", r.Err);
        Assert.False(File.Exists(Path.Combine(fx.Dir, "bad.onnx")));
    }

    [Fact]
    public void CheckpointThenResumeGivesTheUninterruptedModel()
    {
        string first = Path.Combine(fx.Dir, "part.onnx"), resumed = Path.Combine(fx.Dir, "resumed.onnx");
        string[] common = ["--data", fx.DataPath, "--theta", "V_R:-1:1", "--features", string.Join(",", TrainedModelFixture.Features),
            "--hidden", "8,8", "--activation", "tanh", "--seed", "3", "--threads", "1"];
        var r = Cli.Run(["train", .. common, "--out", first, "--epochs", "3", "--checkpoint-every", "3"]);
        Assert.True(r.Exit == 0, r.Err);
        Assert.True(File.Exists(first + ".ckpt"));
        r = Cli.Run(["train", .. common, "--out", resumed, "--epochs", "5", "--resume", first + ".ckpt"]);
        Assert.True(r.Exit == 0, r.Err);
        var a = OnnxModelReader.Load(fx.ModelPath).Network!; var b = OnnxModelReader.Load(resumed).Network!;
        for (int l = 0; l < a.Layers.Count; l++) Assert.Equal(a.Layers[l].Weights, b.Layers[l].Weights);
        Assert.Equal(a.Shift, b.Shift);
    }

    [Theory]
    [InlineData("V_R:1:-1", "true_q2", "lo")]
    [InlineData("V_R:-1:1", "true_q2,nope", "nope")]
    [InlineData("X_Y:-1:1", "true_q2", "X_Y")]
    public void BadInputExitsTwoNamingTheProblem(string theta, string features, string mention)
    {
        var r = Cli.Run("train", "--data", fx.DataPath, "--theta", theta, "--out", Path.Combine(fx.Dir, "bad.onnx"),
            "--features", features, "--epochs", "1");
        Assert.Equal(2, r.Exit);
        Assert.Contains(mention, r.Err);
        Assert.False(File.Exists(Path.Combine(fx.Dir, "bad.onnx")));
    }

    [Fact]
    public void DataWithoutWeightMatrixOrWithNaNOrEmptyExitsTwo()
    {
        var noW = new EventTable();
        foreach (var f in TrainedModelFixture.Features) noW.AddColumn(f, fx.Table.GetColumn(f));
        string noWPath = Path.Combine(fx.Dir, "now.csv");
        EventTableIO.Write(noW, noWPath);
        string[] common = ["--theta", "V_R:-1:1", "--out", Path.Combine(fx.Dir, "bad.onnx"), "--features", string.Join(",", TrainedModelFixture.Features), "--epochs", "1"];
        var r = Cli.Run(["train", "--data", noWPath, .. common]);
        Assert.Equal(2, r.Exit);
        Assert.Contains("weight-matrix", r.Err);

        var nan = fx.Table.Select(Enumerable.Range(0, 20).ToArray());
        var q2 = nan.GetColumn(EventSchema.TrueQ2).ToArray(); q2[4] = double.NaN; nan.SetColumn(EventSchema.TrueQ2, q2);
        string nanPath = Path.Combine(fx.Dir, "nan.csv");
        EventTableIO.Write(nan, nanPath);
        r = Cli.Run(["train", "--data", nanPath, .. common]);
        Assert.Equal(2, r.Exit);
        Assert.Contains("true_q2", r.Err);

        r = Cli.Run(["train", "--data", Path.Combine(fx.Dir, "missing.parquet"), .. common]);
        Assert.Equal(2, r.Exit);
        r = Cli.Run("train", "--data", fx.DataPath, "--theta", "V_R:-1:1", "--out", "x.onnx", "--activation", "gelu");
        Assert.Equal(2, r.Exit);
        Assert.Contains("activation", r.Err);
        r = Cli.Run("train", "--data", fx.DataPath, "--theta", "V_R:-1:1", "--out", Path.Combine(fx.Dir, "bad.onnx"),
            "--features", string.Join(",", TrainedModelFixture.Features), "--latent-inputs", "-1");
        Assert.Equal(2, r.Exit);
        Assert.Contains("latent inputs", r.Err);
        Assert.False(File.Exists(Path.Combine(fx.Dir, "bad.onnx")));
    }
}
