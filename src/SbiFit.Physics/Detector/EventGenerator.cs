using System.Runtime.ExceptionServices;
using SbiFit.Physics.Kinematics;

namespace SbiFit.Physics.Detector;

/// <summary>
/// Generates B⁰ → D*⁻(→D̄⁰(→K⁺π⁻)π⁻)μ⁺ν events: truth point from the caller's sampler, decay chain (§2.4), B production
/// (§8.1), flight, and the fast reconstruction (§8.2–8.4).
/// <para>
/// Determinism: events are processed in fixed chunks of <see cref="ChunkSize"/>; chunk k draws the truth (sampler, φ_D,
/// isotropic rotation, B p_T, η, φ, in this order) only from <c>new Rng(seed, k)</c> and everything after it (D̄⁰ decay,
/// PV, flight time, smearing) from <c>new Rng(seed, k + 2⁴⁰)</c>. Results land at fixed positions, so the output is
/// identical for any thread count, and a truth-only run has exactly the same true events as a full run.
/// </para>
/// </summary>
public static class EventGenerator
{
    /// <summary>Events per deterministic chunk.</summary>
    public const int ChunkSize = 16384;

    /// <summary>
    /// Generates <see cref="GeneratorConfig.Events"/> events. <paramref name="truthSampler"/> must be thread-safe and draw
    /// only from the <see cref="Rng"/> it is given. Events failing acceptance × selection are dropped unless
    /// <see cref="GeneratorConfig.KeepRejected"/>; <see cref="GeneratedSample.EventId"/> keeps the generated index.
    /// </summary>
    public static GeneratedSample Generate(GeneratorConfig config, Func<Rng, TruthPoint> truthSampler, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(truthSampler);
        config.Validate();

        long n = config.Events;
        int nChunks = (int)((n + ChunkSize - 1) / ChunkSize);
        var chunks = new Chunk[nChunks];
        var reco = config.TruthOnly ? null : new Reconstruction(config.Detector);
        var options = new ParallelOptions { MaxDegreeOfParallelism = config.Threads > 0 ? config.Threads : -1 };
        int done = 0;
        try
        {
            Parallel.For(0, nChunks, options, k =>
            {
                long start = (long)k * ChunkSize;
                int len = (int)Math.Min(ChunkSize, n - start);
                chunks[k] = RunChunk(config, truthSampler, reco, new Rng(config.Seed, (ulong)k),
                    new Rng(config.Seed, (ulong)k + RecoStreamOffset), start, len);
                int finished = Interlocked.Increment(ref done);
                progress?.Report((double)finished / nChunks);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        return Concatenate(config, chunks, n, reco is not null);
    }

    private const ulong RecoStreamOffset = 1UL << 40;

    private static Chunk RunChunk(GeneratorConfig config, Func<Rng, TruthPoint> truthSampler, Reconstruction? reco,
        Rng rng, Rng recoRng, long start, int len)
    {
        var c = new Chunk(len, reco is not null);
        BProductionSpectrum spectrum = BProductionSpectrum.Default;
        double mL = config.LeptonMass;
        bool keepRejected = config.KeepRejected;
        int m = 0;
        for (int i = 0; i < len; i++)
        {
            TruthPoint truth = truthSampler(rng);
            double phiD = 2 * Math.PI * rng.NextDouble();
            Rotation3 rotation = Rotation3.RandomIsotropic(rng);
            Vec3 pB = spectrum.SampleMomentum(rng, out double pt, out double eta);
            DecayChain chain = DecayChainBuilder.Build(truth, mL, phiD, rotation, pB);

            if (reco is not null)
            {
                var (kaon, pion) = DecayChainBuilder.DecayD0(chain.D, recoRng);
                Vec3 pv = spectrum.SamplePrimaryVertex(recoRng);
                Vec3 sv = pv + BProductionSpectrum.SampleFlight(pB, recoRng);
                var ev = new TrueEvent(chain.B, kaon, pion, chain.SoftPion, chain.Lepton, pv, sv);
                RecoResult r = reco.Reconstruct(ev, recoRng);
                bool accepted = r.Accepted;
                if (accepted) c.AcceptedCount++;
                if (!accepted && !keepRejected) continue;
                c.Q2![m] = r.Point.Q2;
                c.CosThetaD![m] = r.Point.CosThetaD;
                c.CosThetaL![m] = r.Point.CosThetaL;
                c.Chi![m] = r.Point.Chi;
                c.M2Miss![m] = r.M2Miss;
                c.EMuStar![m] = r.EMuStar;
                c.Accepted![m] = accepted;
            }
            else
            {
                c.AcceptedCount++;
            }
            c.EventId[m] = start + i;
            c.TrueQ2[m] = truth.Q2;
            c.TrueCosThetaD[m] = truth.CosThetaD;
            c.TrueCosThetaL[m] = truth.CosThetaL;
            c.TrueChi[m] = truth.Chi;
            c.BPt[m] = pt;
            c.BEta[m] = eta;
            m++;
        }
        c.Count = m;
        return c;
    }

    private static GeneratedSample Concatenate(GeneratorConfig config, Chunk[] chunks, long generated, bool withReco)
    {
        long total = 0, accepted = 0;
        foreach (Chunk c in chunks) { total += c.Count; accepted += c.AcceptedCount; }
        if (total > Array.MaxLength) throw new GeneratorConfigException($"generator option 'events': {total} stored events exceed the array limit");
        int size = (int)total;
        double[] NewD() => new double[size];
        double[]? NewR() => withReco ? new double[size] : null;
        var s = new GeneratedSample
        {
            Config = config, Generated = generated, AcceptedCount = accepted,
            EventId = new long[size], TrueQ2 = NewD(), TrueCosThetaD = NewD(), TrueCosThetaL = NewD(), TrueChi = NewD(),
            BPt = NewD(), BEta = NewD(),
            Q2 = NewR(), CosThetaD = NewR(), CosThetaL = NewR(), Chi = NewR(), M2Miss = NewR(), EMuStar = NewR(),
            Accepted = withReco ? new bool[size] : null,
        };
        int offset = 0;
        foreach (Chunk c in chunks)
        {
            int m = c.Count;
            Array.Copy(c.EventId, 0, s.EventId, offset, m);
            Array.Copy(c.TrueQ2, 0, s.TrueQ2, offset, m);
            Array.Copy(c.TrueCosThetaD, 0, s.TrueCosThetaD, offset, m);
            Array.Copy(c.TrueCosThetaL, 0, s.TrueCosThetaL, offset, m);
            Array.Copy(c.TrueChi, 0, s.TrueChi, offset, m);
            Array.Copy(c.BPt, 0, s.BPt, offset, m);
            Array.Copy(c.BEta, 0, s.BEta, offset, m);
            if (withReco)
            {
                Array.Copy(c.Q2!, 0, s.Q2!, offset, m);
                Array.Copy(c.CosThetaD!, 0, s.CosThetaD!, offset, m);
                Array.Copy(c.CosThetaL!, 0, s.CosThetaL!, offset, m);
                Array.Copy(c.Chi!, 0, s.Chi!, offset, m);
                Array.Copy(c.M2Miss!, 0, s.M2Miss!, offset, m);
                Array.Copy(c.EMuStar!, 0, s.EMuStar!, offset, m);
                Array.Copy(c.Accepted!, 0, s.Accepted!, offset, m);
            }
            offset += m;
        }
        return s;
    }

    /// <summary>Per-chunk scratch columns, sized for the whole chunk and filled up to <see cref="Count"/>.</summary>
    private sealed class Chunk
    {
        public Chunk(int len, bool withReco)
        {
            EventId = new long[len];
            TrueQ2 = new double[len]; TrueCosThetaD = new double[len]; TrueCosThetaL = new double[len]; TrueChi = new double[len];
            BPt = new double[len]; BEta = new double[len];
            if (withReco)
            {
                Q2 = new double[len]; CosThetaD = new double[len]; CosThetaL = new double[len]; Chi = new double[len];
                M2Miss = new double[len]; EMuStar = new double[len]; Accepted = new bool[len];
            }
        }

        public int Count;
        public long AcceptedCount;
        public readonly long[] EventId;
        public readonly double[] TrueQ2, TrueCosThetaD, TrueCosThetaL, TrueChi, BPt, BEta;
        public readonly double[]? Q2, CosThetaD, CosThetaL, Chi, M2Miss, EMuStar;
        public readonly bool[]? Accepted;
    }
}
