using SbiFit.Cli;
using SbiFit.Codegen.Backends;
using SbiFit.Data;
using SbiFit.Inference;
using SbiFit.Inference.Likelihood;
using SbiFit.Learning;
using SbiFit.Learning.Onnx;
using SbiFit.Physics;

namespace SbiFit.Cli.Tests;

/// <summary>The library example of the README, run end to end on tiny files so the documented API cannot rot.</summary>
public sealed class ReadmeExampleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sbifit-readme-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Fact]
    public void LibraryExampleFitsAsimovDataWithGeneratedCode()
    {
        string train = Path.Combine(_dir, "train.parquet"), test = Path.Combine(_dir, "test.parquet"), modelPath = Path.Combine(_dir, "model.onnx");
        var o = new StringWriter();
        Assert.Equal(0, SbiFitApp.Run(["generate", "--events", "20000", "--seed", "1", "--out", train], o, o));
        Assert.Equal(0, SbiFitApp.Run(["generate", "--events", "10000", "--seed", "2", "--out", test], o, o));
        Assert.Equal(0, SbiFitApp.Run(["train", "--data", train, "--theta", "V_R:-1:1", "--epochs", "20", "--hidden", "16,16", "--out", modelPath], o, o));

        // --- README example starts here ---
        var data = EventTableIO.Read(test);                       // reconstructed features + w_* columns (true kinematics)
        var reference = EventTableIO.Read(train);                 // SM sample: closed-form rate I(theta)
        var network = OnnxModelReader.Load(modelPath).Network!;   // theory-aware network, theta = V_R

        // Asimov data at V_R = 0.3: every test event weighted with its exact weight c W c†.
        var map = new WilsonParameterMap(["V_R"]);
        double[] packed = TrainingSetBuilder.ReadPacked(data);
        var c = map.ToC([0.3]);
        var weights = new double[data.RowCount];
        for (int i = 0; i < weights.Length; i++)
            weights[i] = WeightMatrixLayout.Contract(packed.AsSpan(i * WeightMatrixLayout.PackedLength, WeightMatrixLayout.PackedLength), c);

        // Features in the network's order, row-major float.
        float[] x = FeatureMatrix.Gather(data, network.FeatureNames);

        // One flag picks the backend: Runtime, Interpreted, Codegen or CodegenAd (generated code with AD).
        using var builder = new SbiLikelihoodBuilder(network, modelPath);
        var nll = builder.Build(LikelihoodBackend.CodegenAd, new SbiLikelihoodInput
        {
            Parameters = [new Parameter("V_R", 0.0, 0.1)],
            ThetaParameters = ["V_R"],
            Features = x,
            Weights = weights,
            Rate = RateQuadraticForm.FromEvents(TrainingSetBuilder.ReadPacked(reference)),
            StandardModelYield = data.RowCount,
        });
        var minuit = nll.CreateMinuit();
        minuit.Migrad();
        minuit.Hesse();
        var result = minuit.Minos();
        Console.WriteLine(result);                                // iminuit-style summary
        // --- README example ends here ---

        Assert.True(result.IsValid, result.ToString());
        Assert.InRange(result["V_R"].Value, 0.0, 0.6);            // a 20-epoch network on 20k events: coarse, but near 0.3
        Assert.True(result["V_R"].Error > 0);
    }
}

public sealed class CommandLineErrorTests
{
    [Theory]
    [InlineData("generate", "--events", "abc", "--out", "x.parquet")]
    [InlineData("generate", "--no-such-option")]
    [InlineData("no-such-command")]
    public void MalformedOptionsExitWithBadInputCode(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Equal(SbiFitApp.ExitBadInput, SbiFitApp.Run(args, o, e));
        Assert.Contains("error:", e.ToString());
    }

    [Fact]
    public void HelpListsEveryStageOfTheWorkflow()
    {
        var o = new StringWriter();
        Assert.Equal(0, SbiFitApp.Run(["--help"], o, o));
        foreach (var command in new[] { "demo", "generate", "reweight", "rates", "train", "fit", "asimov", "classical", "compare", "codegen", "bench" })
            Assert.Contains(command, o.ToString());
    }
}
