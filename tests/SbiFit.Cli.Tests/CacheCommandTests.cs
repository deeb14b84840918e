namespace SbiFit.Cli.Tests;

public class CacheCommandTests
{
    [Fact]
    public void ListsAndClearsTheCompiledImagesOfAFolder()
    {
        string dir = Directory.CreateTempSubdirectory("sbifit-cli-cache").FullName;
        try
        {
            string keyA = new('a', 64), keyB = new('b', 64);
            File.WriteAllBytes(Path.Combine(dir, keyA + ".dll"), new byte[2048]);
            File.WriteAllBytes(Path.Combine(dir, keyB + ".dll"), new byte[1024]);
            File.WriteAllText(Path.Combine(dir, "README.txt"), "not an image");   // not ours: left alone

            var (code, output, err) = Cli.Run("cache", "--dir", dir);
            Assert.Equal(0, code);
            Assert.Contains($"codegen cache: {dir}", output);
            Assert.Contains("2 compiled image(s), 3 KiB", output);
            Assert.Contains(keyA[..12], output);
            Assert.Contains(keyB[..12], output);
            Assert.Equal("", err);

            (code, output, _) = Cli.Run("cache", "--dir", dir, "--clear");
            Assert.Equal(0, code);
            Assert.Contains("removed 2 of 2 compiled image(s)", output);
            Assert.Equal(["README.txt"], Directory.GetFiles(dir).Select(Path.GetFileName));

            // A folder that does not exist is an empty cache, not an error.
            (code, output, _) = Cli.Run("cache", "--dir", Path.Combine(dir, "missing"));
            Assert.Equal(0, code);
            Assert.Contains("0 compiled image(s)", output);
        }
        finally { Directory.Delete(dir, true); }
    }
}
