using System.Globalization;
using SbiFit.Learning;
using SbiFit.Learning.Onnx;

namespace SbiFit.Learning.Tests;

/// <summary>Shared helpers for the ONNX tests: fixture paths, random networks, temp folders.</summary>
internal static class OnnxTestData
{
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SbiFit.sln"))) return dir.FullName;
        throw new InvalidOperationException("SbiFit.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Fixture(string name) => Path.Combine(RepoRoot(), "tests", "fixtures", "onnx", name);

    /// <summary>Rows of the fixture CSV: five features, theta0, PyTorch's logit.</summary>
    public static (float[] X, float[] Theta, double[] Expected, int Rows) FixtureRows()
    {
        var lines = File.ReadAllLines(Fixture("theory_aware_vr.csv"));
        Assert.Equal("q2,cos_theta_d,cos_theta_l,chi,m2_miss,theta0,expected", lines[0]);
        var data = lines.Skip(1).Where(l => l.Length > 0)
            .Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        int n = data.Length;
        var x = new float[n * 5];
        var theta = new float[n];
        var expected = new double[n];
        for (int r = 0; r < n; r++)
        {
            for (int i = 0; i < 5; i++) x[r * 5 + i] = (float)data[r][i];
            theta[r] = (float)data[r][5];
            expected[r] = data[r][6];
        }
        return (x, theta, expected, n);
    }

    public static TheoryAwareNetwork RandomNetwork(ulong seed, int nx, int nt, int[] hidden, Activation act, float leakySlope = 0.01f,
        int latent = 0)
    {
        var rng = new Physics.Rng(seed);
        float G(double scale) => (float)(rng.NextGaussian() * scale);
        var mean = Enumerable.Range(0, nx).Select(_ => G(2)).ToArray();
        var std = Enumerable.Range(0, nx).Select(_ => 0.5f + (float)rng.NextDouble()).ToArray();
        var shift = Enumerable.Range(0, nt * (nx + latent)).Select(_ => G(1)).ToArray();
        var layers = new List<DenseLayer>();
        int inputs = nx + latent;
        foreach (int width in hidden.Append(1))
        {
            bool last = layers.Count == hidden.Length;
            var w = Enumerable.Range(0, width * inputs).Select(_ => G(1.5 / Math.Sqrt(inputs))).ToArray();
            var b = Enumerable.Range(0, width).Select(_ => G(0.3)).ToArray();
            layers.Add(new DenseLayer(inputs, width, w, b, last ? Activation.Identity : act, leakySlope));
            inputs = width;
        }
        var features = Enumerable.Range(0, nx).Select(i => $"feat_{i}").ToArray();
        var thetas = Enumerable.Range(0, nt).Select(i => $"wc_{i}").ToArray();
        return new TheoryAwareNetwork(features, thetas, mean, std, shift, layers);
    }

    public static (float[] X, float[] Theta) RandomInputs(ulong seed, int rows, TheoryAwareNetwork net)
    {
        var rng = new Physics.Rng(seed, 1);
        var x = new float[rows * net.FeatureCount];
        for (int i = 0; i < x.Length; i++) x[i] = net.Mean[i % net.FeatureCount] + (float)(2 * rng.NextGaussian());
        var theta = new float[rows * net.ThetaCount];
        for (int i = 0; i < theta.Length; i++) theta[i] = (float)rng.Uniform(-1, 1);
        return (x, theta);
    }

    public static double[] Reference(TheoryAwareNetwork net, float[] x, float[] theta, int rows)
    {
        int nx = net.FeatureCount, nt = net.ThetaCount;
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
            y[r] = net.ReferenceLogit(x.AsSpan(r * nx, nx).ToArray().Select(v => (double)v).ToArray(),
                theta.AsSpan(r * nt, nt).ToArray().Select(v => (double)v).ToArray());
        return y;
    }

    public static float[] Evaluate(ILogitModel model, float[] x, float[] theta, int rows)
    {
        var y = new float[rows];
        model.Logits(x, theta, rows, y);
        return y;
    }

    public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<float> actual, double tol)
    {
        Assert.Equal(expected.Count, actual.Count);
        double worst = 0;
        for (int i = 0; i < expected.Count; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]) / Math.Max(1, Math.Abs(expected[i])));
        Assert.True(worst <= tol, $"largest deviation {worst:g3} exceeds {tol:g3}");
    }

    static readonly string Root = Path.Combine(Path.GetTempPath(), "sbifit-onnx-tests", Guid.NewGuid().ToString("N"));

    /// <summary>A fresh folder under one per-process root, which is deleted when the test process exits.</summary>
    public static string TempDir()
    {
        lock (Root)
            if (!Directory.Exists(Root))
            {
                Directory.CreateDirectory(Root);
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    try { Directory.Delete(Root, recursive: true); } catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
                };
            }
        return Directory.CreateDirectory(Path.Combine(Root, Guid.NewGuid().ToString("N"))).FullName;
    }
}

public class OnnxFixtureTests
{
    [Fact]
    public void PyTorchFixture_IsConvertedToTheoryAwareNetwork_WithDefaultNames()
    {
        var model = OnnxModelReader.Load(OnnxTestData.Fixture("theory_aware_vr.onnx"));
        Assert.NotNull(model.Network);
        Assert.Null(model.NotConvertedReason);
        var net = model.Network!;
        Assert.Equal(["q2", "cos_theta_d", "cos_theta_l", "chi", "m2_miss"], net.FeatureNames);
        Assert.Equal(["theta0"], net.ThetaNames);
        Assert.Equal([100, 100, 1], net.Layers.Select(l => l.Outputs));
        Assert.Equal([Activation.ReLU, Activation.ReLU, Activation.Identity], net.Layers.Select(l => l.Activation));
        Assert.Equal(13, model.Interpreter.Opset);
    }

    [Fact]
    public void PyTorchFixture_ReferenceLogit_ReproducesPyTorch()
    {
        var (x, theta, expected, n) = OnnxTestData.FixtureRows();
        var net = OnnxModelReader.Load(OnnxTestData.Fixture("theory_aware_vr.onnx")).Network!;
        var y = OnnxTestData.Reference(net, x, theta, n);
        for (int r = 0; r < n; r++) Assert.True(Math.Abs(y[r] - expected[r]) < 1e-5, $"row {r}: {y[r]} vs {expected[r]}");
    }

    [Fact]
    public void PyTorchFixture_Interpreter_ReproducesPyTorch()
    {
        var (x, theta, expected, n) = OnnxTestData.FixtureRows();
        var model = OnnxModelReader.Load(OnnxTestData.Fixture("theory_aware_vr.onnx"));
        var y = OnnxTestData.Evaluate(model, x, theta, n);
        for (int r = 0; r < n; r++) Assert.True(Math.Abs(y[r] - expected[r]) < 1e-5, $"row {r}: {y[r]} vs {expected[r]}");
    }

    [Fact]
    public void PyTorchFixture_OnnxRuntime_ReproducesPyTorch()
    {
        var (x, theta, expected, n) = OnnxTestData.FixtureRows();
        using var ort = new OnnxRuntimeLogitModel(OnnxTestData.Fixture("theory_aware_vr.onnx"), threads: 1, batchRows: 7);
        Assert.Equal("q2", ort.FeatureNames[0]);
        var y = OnnxTestData.Evaluate(ort, x, theta, n);
        for (int r = 0; r < n; r++) Assert.True(Math.Abs(y[r] - expected[r]) < 1e-5, $"row {r}: {y[r]} vs {expected[r]}");
    }

    [Fact]
    public void ManyRows_InterpreterIsThreadCountIndependentAndMatchesOnnxRuntime()
    {
        string path = OnnxTestData.Fixture("theory_aware_vr.onnx");
        var model = OnnxModelReader.Load(path);
        const int rows = 5003; // two interpreter chunks (4096 rows each), three ORT batches
        var (x, theta) = OnnxTestData.RandomInputs(17, rows, model.Network!);
        model.MaxThreads = 1;
        var serial = OnnxTestData.Evaluate(model, x, theta, rows);
        model.MaxThreads = 3;
        var parallel = OnnxTestData.Evaluate(model, x, theta, rows);
        Assert.Equal(serial, parallel);
        using var ort = new OnnxRuntimeLogitModel(path, threads: 2, batchRows: 2048);
        OnnxTestData.AssertClose(OnnxTestData.Evaluate(ort, x, theta, rows).Select(v => (double)v).ToArray(), serial, 1e-5);
    }
}
