using SbiFit.Data;

namespace SbiFit.Learning;

/// <summary>
/// Everything needed to continue training bit-identically: parameters, Adam moments and step, loss history and the
/// early-stopping state. Stored as a little-endian binary file, written atomically.
/// </summary>
internal sealed class Checkpoint
{
    private const string Magic = "SBIFIT-CKPT-1";

    internal required string Fingerprint { get; init; }
    internal required int EpochsDone { get; init; }
    internal required float[] Parameters { get; init; }
    internal required AdamState Adam { get; init; }
    internal required List<double> TrainLoss { get; init; }
    internal required List<double> TestLoss { get; init; }
    internal required int BestEpoch { get; init; }
    internal required double BestTestLoss { get; init; }
    internal required float[] BestParameters { get; init; }

    internal void Save(string path) => AtomicFile.Write(path, s =>
    {
        using var w = new BinaryWriter(s, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(Magic); w.Write(Fingerprint); w.Write(EpochsDone); w.Write(Adam.Step);
        w.Write(BestEpoch); w.Write(BestTestLoss);
        WriteArray(w, Parameters); WriteArray(w, BestParameters);
        WriteArray(w, Adam.M); WriteArray(w, Adam.V);
        WriteArray(w, TrainLoss.ToArray()); WriteArray(w, TestLoss.ToArray());
    });

    internal static Checkpoint Load(string path, string expectedFingerprint)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint '{path}' does not exist.", path);
        try
        {
            using var r = new BinaryReader(File.OpenRead(path));
            if (r.ReadString() != Magic) throw new InvalidDataException($"'{path}' is not an SbiFit training checkpoint.");
            var fp = r.ReadString();
            if (fp != expectedFingerprint)
                throw new InvalidDataException($"checkpoint '{path}' was written for a different setup ({fp}); this run is ({expectedFingerprint}).");
            int epochs = r.ReadInt32(); long step = r.ReadInt64(); int best = r.ReadInt32(); double bestLoss = r.ReadDouble();
            var p = ReadFloats(r); var bp = ReadFloats(r);
            var m = ReadDoubles(r); var v = ReadDoubles(r);
            var adam = new AdamState(p.Length) { Step = step };
            if (m.Length != p.Length || v.Length != p.Length || bp.Length != p.Length)
                throw new InvalidDataException($"checkpoint '{path}' is inconsistent (array lengths differ).");
            m.CopyTo(adam.M, 0); v.CopyTo(adam.V, 0);
            return new Checkpoint
            {
                Fingerprint = fp, EpochsDone = epochs, Parameters = p, Adam = adam, BestEpoch = best, BestTestLoss = bestLoss,
                BestParameters = bp, TrainLoss = [.. ReadDoubles(r)], TestLoss = [.. ReadDoubles(r)],
            };
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"checkpoint '{path}' is truncated.");
        }
    }

    private static void WriteArray(BinaryWriter w, float[] a) { w.Write(a.Length); foreach (var x in a) w.Write(x); }
    private static void WriteArray(BinaryWriter w, double[] a) { w.Write(a.Length); foreach (var x in a) w.Write(x); }

    private static float[] ReadFloats(BinaryReader r)
    {
        var a = new float[CheckLength(r.ReadInt32())];
        for (int i = 0; i < a.Length; i++) a[i] = r.ReadSingle();
        return a;
    }

    private static double[] ReadDoubles(BinaryReader r)
    {
        var a = new double[CheckLength(r.ReadInt32())];
        for (int i = 0; i < a.Length; i++) a[i] = r.ReadDouble();
        return a;
    }

    private static int CheckLength(int n) =>
        n is >= 0 and <= 1 << 28 ? n : throw new InvalidDataException($"checkpoint array length {n} is invalid.");
}
