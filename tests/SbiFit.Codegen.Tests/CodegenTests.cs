using SbiFit.Codegen.Backends;
using SbiFit.Codegen;
using SbiFit.Learning;

namespace SbiFit.Codegen.Tests;

[Collection("compiled")]
public sealed class LogitTests(CompiledFixture fixture)
{
    [Theory]
    [InlineData(Activation.ReLU, 1)]
    [InlineData(Activation.ReLU, 3)]
    [InlineData(Activation.Tanh, 1)]
    [InlineData(Activation.Tanh, 3)]
    [InlineData(Activation.SiLU, 1)]
    [InlineData(Activation.SiLU, 3)]
    [InlineData(Activation.ReLU, 3, 3)]
    public void CompiledLogitsMatchReference(Activation act, int thetas, int latent = 0)
    {
        var net = TestNetworks.Random(act, thetas, seed: 11 + thetas, h1: 12, latent: latent);
        var code = fixture.Network($"net-{act}-{thetas}-{latent}", net);
        const int events = 37;   // not a multiple of the 16-event block
        var (x, _) = TestNetworks.Data(events, net.FeatureCount, seed: 5);
        var rng = new Random(3);
        var theta = Enumerable.Range(0, events * thetas).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var logits = new float[events];
        code.Instance.Logits(x, theta, events, logits);
        for (int i = 0; i < events; i++)
        {
            double reference = net.ReferenceLogit(x.AsSpan(i * 5, 5).ToArray().Select(v => (double)v).ToArray(),
                theta.AsSpan(i * thetas, thetas).ToArray().Select(v => (double)v).ToArray());
            Assert.True(Math.Abs(logits[i] - reference) <= 1e-5 * (1 + Math.Abs(reference)),
                $"event {i}: generated {logits[i]}, reference {reference}");
        }
    }

    [Theory]
    [InlineData(Precision.Single)]
    [InlineData(Precision.Double)]
    public void ConstantsKeepTheExactWeightsOutOfTheSource(Precision precision)
    {
        var net = TestNetworks.Random(Activation.ReLU, 1, seed: 21, h1: 40, h2: 30);
        var generated = NetworkCodeGenerator.Generate(net, precision);
        Assert.Contains("static readonly T[] W0 = LoadT(\"W0\", 200);", generated.Source);
        Assert.Contains("static readonly T[] W1 = LoadT(\"W1\", 1200);", generated.Source);
        Assert.Contains("static readonly float[] Mean = LoadF(\"Mean\", 5);", generated.Source);
        string w = net.Layers[1].Weights[0].ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        Assert.DoesNotContain(w, generated.Source);
        Assert.Equal(net.Layers[1].Weights.Select(v => (double)v), generated.Constants.Values["W1"]);
        using var code = NetworkCodeGenerator.Compile(net, precision);
        AssertLogitsMatch(net, code.Instance, seed: 8);
    }

    static void AssertLogitsMatch(TheoryAwareNetwork net, ICompiledNetwork compiled, int seed)
    {
        const int events = 21;
        var (x, _) = TestNetworks.Data(events, net.FeatureCount, seed);
        var theta = Enumerable.Range(0, events).Select(i => 0.1f * (i % 5) - 0.2f).ToArray();
        var logits = new float[events];
        compiled.Logits(x, theta, events, logits);
        for (int i = 0; i < events; i++)
        {
            double reference = net.ReferenceLogit(x.AsSpan(i * net.FeatureCount, net.FeatureCount).ToArray().Select(v => (double)v).ToArray(), [theta[i]]);
            Assert.True(Math.Abs(logits[i] - reference) <= 1e-5 * (1 + Math.Abs(reference)), $"event {i}: generated {logits[i]}, reference {reference}");
        }
    }

    [Fact]
    public void ModelsOfOneArchitectureShareTheCompiledImage()
    {
        // Two trainings of one architecture: same source, one disk-cache entry, each loaded copy with its own weights.
        var a = TestNetworks.Random(Activation.ReLU, 1, seed: 31, h1: 24);
        var b = TestNetworks.Random(Activation.ReLU, 1, seed: 32, h1: 24);
        Assert.Equal(NetworkCodeGenerator.Generate(a).Source, NetworkCodeGenerator.Generate(b).Source);
        Assert.NotEqual(NetworkCodeGenerator.Generate(a).Constants.Hash(), NetworkCodeGenerator.Generate(b).Constants.Hash());
        var cache = new CodeCache(Path.Combine(Path.GetTempPath(), "sbifit-cache-" + Guid.NewGuid().ToString("N")));
        try
        {
            using var first = NetworkCodeGenerator.Compile(a, Precision.Single, cache);
            using var second = NetworkCodeGenerator.Compile(b, Precision.Single, cache);
            Assert.False(first.Report.CacheHit);
            Assert.True(second.Report.CacheHit);
            AssertLogitsMatch(a, first.Instance, seed: 3);   // both loaded at once, each with its own weights
            AssertLogitsMatch(b, second.Instance, seed: 3);
        }
        finally { Directory.Delete(cache.Directory, true); }
    }

    [Fact]
    public void NonFiniteWeightsAreRejectedByName()
    {
        var net = TestNetworks.Random(Activation.ReLU, 1, seed: 33, h1: 8);
        net.Layers[1].Weights[5] = float.NaN;
        var ex = Assert.Throws<CodegenException>(() => NetworkCodeGenerator.Generate(net));
        Assert.Contains("non-finite weight W1[5]", ex.Message);
    }

    [Fact]
    public void EmittedSourceIsWrittenAndCompiles()
    {
        var net = TestNetworks.Random(Activation.ReLU, 1, seed: 12, h1: 12);
        string dir = Path.Combine(Path.GetTempPath(), "sbifit-emit-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = NetworkCodeGenerator.Emit(net, dir);
            Assert.Equal(Path.Combine(dir, "GeneratedNetwork.cs"), path);
            string text = File.ReadAllText(path);
            Assert.Contains("static readonly T[] W0", text);
            using (var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "GeneratedNetwork.constants.json"))))
                Assert.Equal(net.Layers[0].Weights.Select(v => (double)v), json.RootElement.GetProperty("W0").EnumerateArray().Select(e => e.GetDouble()));
            Assert.Contains("Vector256.FusedMultiplyAdd", text);
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
            var code = fixture.Network("net-ReLU-1", net);
            Assert.Equal(text, code.Source);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void InvalidOptionsNameTheProblem()
    {
        var net = TestNetworks.Random(Activation.ReLU, 2, seed: 2);
        var bad = TestNetworks.Options(2) with { Constraints = [new GaussianConstraint(5, 0, 1)] };
        var ex = Assert.Throws<CodegenException>(() => NllCodeGenerator.Generate(net, bad));
        Assert.Contains("theta index 5", ex.Message);
    }
}

[Collection("compiled")]
public sealed class CacheTests
{
    [Fact]
    public async Task WarmUpRunsOncePerProcess()
    {
        var first = NllCodeGenerator.WarmUp();
        Assert.Same(first, NllCodeGenerator.WarmUp());
        Assert.True(await first > 0);   // it compiled (a generation or compile error would fault the task)
    }

    [Fact]
    public void TheCacheKeepsTheMostRecentlyUsedImagesUpToItsBound()
    {
        string dir = Path.Combine(Path.GetTempPath(), "sbifit-cache-" + Guid.NewGuid().ToString("N"));
        var cache = new CodeCache(dir) { MaxEntries = 2 };
        string Key(char c) => new(c, 64);
        string PathOf(char c) => Path.Combine(dir, Key(c) + ".dll");
        try
        {
            cache.Store(Key('a'), [1]);
            cache.Store(Key('b'), [2]);
            File.SetLastWriteTimeUtc(PathOf('a'), DateTime.UtcNow.AddHours(-2));
            File.SetLastWriteTimeUtc(PathOf('b'), DateTime.UtcNow.AddHours(-1));
            File.WriteAllText(Path.Combine(dir, "notes.txt"), "not an image");
            Assert.Equal([Key('b'), Key('a')], cache.Entries().Select(e => e.Key));

            Assert.Equal([1], cache.TryLoad(Key('a')));   // a load makes 'a' the most recently used
            Assert.Equal(Key('a'), cache.Entries()[0].Key);
            cache.Store(Key('c'), [3]);                   // one too many: the least recently used ('b') goes
            Assert.Equal([Key('c'), Key('a')], cache.Entries().Select(e => e.Key));
            Assert.False(File.Exists(PathOf('b')));

            Assert.Equal(2, cache.Clear());
            Assert.Empty(cache.Entries());
            Assert.True(File.Exists(Path.Combine(dir, "notes.txt")));   // only images are removed
            Assert.Throws<ArgumentOutOfRangeException>(() => new CodeCache(dir) { MaxEntries = 0 });
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task AFitBuildWaitsForTheBackgroundCompileOfItsKernelsInsteadOfCompilingAgain()
    {
        // What `fit --backend codegen-ad` does: start compiling the fit's kernels when the model is read, load the data,
        // then build; the build must take the background image (same key, reported as compiled in the background).
        var network = SyntheticLikelihood.RandomNetwork(1, seed: 54, hidden: 18);
        var cache = new CodeCache(Path.Combine(Path.GetTempPath(), "sbifit-cache-" + Guid.NewGuid().ToString("N")));
        try
        {
            var started = NllCodeGenerator.StartPrecompileForFits(network, cache);
            Assert.NotNull(started);
            var input = SyntheticLikelihood.Input(network, network.ThetaNames, 300, seed: 55) with { Constraints = [] };
            using var builder = new SbiLikelihoodBuilder(network) { Cache = cache, Threads = 2 };
            var nll = builder.Build(LikelihoodBackend.CodegenAd, input);
            await started;
            var report = nll.Compile!;
            Assert.False(report.CacheHit);
            Assert.True(report.BackgroundSeconds > 0);
            Assert.True(File.Exists(Path.Combine(cache.Directory, report.CacheKey + ".dll")));   // stored by the background compile
            Assert.True(report.Cached);
            double[] p = [0.1];
            double interpreted = builder.Build(LikelihoodBackend.Interpreted, input).Value(p);
            Assert.Equal(interpreted, nll.Value(p), 1e-6 * Math.Abs(interpreted));

            // Cached now: nothing starts, and the next process-level build is an ordinary cache hit.
            Assert.Null(NllCodeGenerator.StartPrecompileForFits(network, cache));
            using var again = new SbiLikelihoodBuilder(network) { Cache = cache, Threads = 2 };
            var second = again.Build(LikelihoodBackend.CodegenAd, input).Compile!;
            Assert.True(second.CacheHit);
            Assert.Null(second.BackgroundSeconds);
        }
        finally { Directory.Delete(cache.Directory, true); }
    }

    [Fact]
    public void KernelsPrecompiledForFitsAreLoadedByTheFitBuilder()
    {
        // What `sbifit train` does after training: compile the fit-structure NLL (extended term, no constraints) into the
        // cache; a fit of any model of that architecture then loads it.
        var trained = SyntheticLikelihood.RandomNetwork(1, seed: 51, hidden: 20);
        var retrained = SyntheticLikelihood.RandomNetwork(1, seed: 52, hidden: 20);
        var cache = new CodeCache(Path.Combine(Path.GetTempPath(), "sbifit-cache-" + Guid.NewGuid().ToString("N")));
        try
        {
            var first = NllCodeGenerator.PrecompileForFits(trained, cache);
            Assert.False(first.CacheHit);
            Assert.True(File.Exists(Path.Combine(cache.Directory, first.CacheKey + ".dll")));
            Assert.True(NllCodeGenerator.PrecompileForFits(retrained, cache).CacheHit);
            var input = SyntheticLikelihood.Input(retrained, retrained.ThetaNames, 400, seed: 53) with { Constraints = [] };
            using var builder = new SbiLikelihoodBuilder(retrained) { Cache = cache, Threads = 2 };
            var nll = builder.Build(LikelihoodBackend.CodegenAd, input);
            Assert.True(nll.Compile!.CacheHit);
            Assert.Equal(first.CacheKey, nll.Compile.CacheKey);
            double[] p = [0.2];
            double interpreted = builder.Build(LikelihoodBackend.Interpreted, input).Value(p);
            Assert.Equal(interpreted, nll.Value(p), 1e-6 * Math.Abs(interpreted));   // the retrained network's weights
        }
        finally { Directory.Delete(cache.Directory, true); }
    }

    [Fact]
    public void ConstantsAreOnlyHandedOutWhileAClassLoads()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => GeneratedConstants.Get("W0", 3));
        Assert.Contains("outside its loader", ex.Message);
        var set = new ConstantSet();
        set.Add("W0", new float[] { 1, 2, 3 });
        Assert.Contains("defined twice", Assert.Throws<CodegenException>(() => set.Add("W0", new double[] { 1 })).Message);
        double[]? got = null;
        string? wrongLength = null, missing = null;
        GeneratedConstants.Run(set, () =>
        {
            got = GeneratedConstants.Get("W0", 3);
            wrongLength = Assert.Throws<InvalidOperationException>(() => GeneratedConstants.Get("W0", 4)).Message;
            missing = Assert.Throws<InvalidOperationException>(() => GeneratedConstants.Get("B0", 1)).Message;
        });
        Assert.Equal([1.0, 2, 3], got!);
        Assert.Contains("has 3 values, the generated code expects 4", wrongLength);
        Assert.Contains("needs constant 'B0'", missing);
        Assert.Throws<InvalidOperationException>(() => GeneratedConstants.Get("W0", 3));   // the loader's scope ended
    }

    [Fact]
    public void UnwritableCacheDoesNotFailTheCompile()
    {
        string file = Path.GetTempFileName();   // a file where the cache folder should be: CreateDirectory throws IOException
        try
        {
            var net = TestNetworks.Random(Activation.ReLU, 1, seed: 54, h1: 6);
            using var code = NllCodeGenerator.Compile(net, TestNetworks.Options(1), new CodeCache(file));
            Assert.False(code.Report.CacheHit);
            Assert.False(code.Report.Cached);   // reported, so the fit can say later fits will compile again
            Assert.True(double.IsFinite(new CompiledNll(code.Instance, new float[5], [1.0]).Value([0.1])));
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void SecondBuildLoadsFromDiskCache()
    {
        var net = TestNetworks.Random(Activation.Tanh, 1, seed: 99);
        var options = TestNetworks.Options(1);
        var cache = new CodeCache(Path.Combine(Path.GetTempPath(), "sbifit-cache-" + Guid.NewGuid().ToString("N")));
        try
        {
            using var first = NllCodeGenerator.Compile(net, options, cache);
            Assert.False(first.Report.CacheHit);
            Assert.True(first.Report.Cached);
            Assert.True(File.Exists(Path.Combine(cache.Directory, first.Report.CacheKey + ".dll")));
            using var second = NllCodeGenerator.Compile(net, options, cache);
            Assert.True(second.Report.CacheHit);
            Assert.True(second.Report.Cached);
            Assert.Equal(first.Report.CacheKey, second.Report.CacheKey);
            Assert.Equal(first.Report.SourceBytes, second.Report.SourceBytes);
            var (x, w) = TestNetworks.Data(20, 5, seed: 1);
            double[] theta = [0.3];
            Assert.Equal(new CompiledNll(first.Instance, x, w).Value(theta), new CompiledNll(second.Instance, x, w).Value(theta));
            var other = NllCodeGenerator.Generate(net, options with { Constraints = [] });
            Assert.NotEqual(first.Report.CacheKey, CodeCache.Key(other.Source));
        }
        finally { Directory.Delete(cache.Directory, true); }
    }
}
