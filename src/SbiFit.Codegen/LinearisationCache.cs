namespace SbiFit.Codegen;

/// <summary>
/// The exact activation-pattern linearisation of a piecewise-affine network's learned term, in levels (see
/// docs/likelihood.md, "Linearisation cache"). Level 0 linearises every event at θ0 and sorts the events by their
/// certified radius (descending, in buckets). A later level re-linearises, at its own θ, only the tail of that order
/// that was unsafe there: the events from its start block on are re-sorted by their new radii, the events before it
/// keep their place and their older level. So after MIGRAD's first long move only the events that the move took out
/// of their region are paid for again, not the whole dataset.
/// <para>
/// At a point θ each level k owns the blocks [Start_k, Start_{k+1}) of the common order; its certified-safe events
/// there (radius above ‖θ − θ_k‖_∞) are a prefix of that range and contribute w·[difference + tangent·(θ − θ_k)] from
/// prefix sums; the rest of the range goes through the network.
/// </para>
/// </summary>
internal sealed class LinearisationCache
{
    /// <summary>One level: its reference point and, over blocks [Start, Blocks) of the order it created, the bucketed radii and prefix sums.</summary>
    sealed class Level
    {
        public required double[] Theta0;
        public required int Start;
        /// <summary>Per bucket (descending radius): events of the level's range in this and all larger-radius buckets.</summary>
        public required int[] SafeCount;
        /// <summary>[Blocks − Start + 1]: Σ w·difference over the level's first b blocks.</summary>
        public required double[] PrefixValue;
        /// <summary>[(Blocks − Start + 1)·n_θ]: Σ w·tangent over the level's first b blocks.</summary>
        public required double[] PrefixTangent;
    }

    /// <summary>Radius buckets per octave: 2^MantissaBits.</summary>
    const int MantissaBits = 4;
    /// <summary>Buckets: 2^11 exponents × 2^4 mantissa steps (the top one, exponent 2047, is +∞ and NaN).</summary>
    const int Buckets = 2048 << MantissaBits;
    /// <summary>Radii are shrunk by this factor before bucketing (a margin for the rounding of s and its tangents).</summary>
    const double RadiusSafety = 0.99;
    /// <summary>Levels kept at most; a new level beyond it replaces the last one.</summary>
    public const int MaxLevels = 8;
    /// <summary>Per bucket: a lower bound on the (shrunk) radius of its events, increasing with the bucket; the same for every level.</summary>
    static readonly double[] Edges = Enumerable.Range(0, Buckets).Select(LowerEdge).ToArray();

    readonly List<Level> levels = [];
    readonly int n, blockEvents, events, blocks;
    readonly double[] weights;
    readonly ParallelOptions parallel;
    readonly INllData bound;
    /// <summary>Position in <see cref="Sorted"/> → index of the event in the bound dataset.</summary>
    int[] origin;

    /// <summary>Level 0: every event of <paramref name="data"/> linearised at <paramref name="theta"/>.</summary>
    public LinearisationCache(INllData data, double[] theta, double[] weights, int thetaCount, int blockEvents, int events, ParallelOptions parallel)
    {
        n = thetaCount; this.blockEvents = blockEvents; this.events = events; blocks = data.Blocks;
        this.weights = weights; this.parallel = parallel;
        origin = Enumerable.Range(0, events).ToArray();
        Sorted = bound = data;
        AddLevel(0, theta);
    }

    /// <summary>The bound events in the current order (level 0's sort, each later level's tail re-sorted).</summary>
    public INllData Sorted { get; private set; }
    /// <summary>θ of the newest level.</summary>
    public double[] ReferencePoint => levels[^1].Theta0;

    /// <summary>
    /// Bucket of a radius, increasing with it: 0 for zero (or below 2^−1022), then 16 per octave from the exponent and
    /// the top four mantissa bits of the (shrunk) double, up to <see cref="Buckets"/> − 1 for +∞ and NaN. Exact bit
    /// arithmetic, so <see cref="LowerEdge"/> bounds every radius in the bucket.
    /// </summary>
    static int Bucket(double r)
    {
        if (double.IsNaN(r)) return Buckets - 1;
        r *= RadiusSafety;
        if (!(r > 0)) return 0;
        return (int)(BitConverter.DoubleToUInt64Bits(r) >> (52 - MantissaBits));   // exponent ≥ 1 for normal r; +∞ → the top bucket
    }

    /// <summary>The smallest (shrunk) radius of a bucket; 0 for bucket 0 and +∞ for the top one.</summary>
    static double LowerEdge(int b) => b == 0 ? 0 : b >= Buckets - 1 ? double.MaxValue : BitConverter.UInt64BitsToDouble((ulong)b << (52 - MantissaBits));

    /// <summary>
    /// Re-linearises the events of blocks [<paramref name="start"/>, Blocks) of the current order at
    /// <paramref name="theta"/> as a new level; levels that start at or after it are dropped. Returns the events
    /// (padding included) that went through the network.
    /// </summary>
    public long AddLevel(int start, double[] theta)
    {
        while (levels.Count > 0 && levels[^1].Start >= start) levels.RemoveAt(levels.Count - 1);
        if (levels.Count == MaxLevels) { start = levels[^1].Start; levels.RemoveAt(levels.Count - 1); }
        int be = blockEvents, first = start * be, padded = (blocks - start) * be, m = events - first;
        var diff = new double[padded]; var tan = new double[padded * n]; var rad = new double[padded];
        var d = Sorted;
        CompiledNll.ForEachChunk(parallel, [(start, blocks)], (b0, b1, _) =>
        {
            int o = (b0 - start) * be, len = (b1 - b0) * be;
            d.Linearise(b0, b1, theta, diff.AsSpan(o, len), tan.AsSpan(o * n, len * n), rad.AsSpan(o, len));
        });
        // Counting sort of the tail's events by bucket, descending radius, stable (deterministic): local[new] = old
        // position in the tail. The weighted differences and tangents are scattered into the new order on the way,
        // so the prefix sums below read them in sequence.
        var key = new int[m]; var counts = new int[Buckets];
        for (int e = 0; e < m; e++) counts[key[e] = Bucket(rad[e])]++;
        var next = new int[Buckets]; var safe = new int[Buckets];
        int acc = 0;
        for (int b = Buckets - 1; b >= 0; b--) { next[b] = acc; acc += counts[b]; safe[b] = acc; }
        var local = new int[m]; var wd = new double[m]; var wt = new double[m * n];
        for (int e = 0; e < m; e++)
        {
            int q = next[key[e]]++;
            local[q] = first + e;
            double w = weights[origin[first + e]];
            wd[q] = w * diff[e];
            for (int k = 0; k < n; k++) wt[q * n + k] = w * tan[e * n + k];
        }
        // Level 0 (start 0, all events) makes a sorted copy, so the bound dataset stays as it was; later levels reorder the copy's tail.
        if (ReferenceEquals(Sorted, bound)) Sorted = d.Permute(local, parallel);
        else d.PermuteTail(start, local, parallel);
        var tailOrigin = new int[m];
        for (int q = 0; q < m; q++) tailOrigin[q] = origin[local[q]];
        tailOrigin.CopyTo(origin, first);
        int span = blocks - start;
        var pv = new double[span + 1]; var pt = new double[(span + 1) * n];
        double v = 0; var t = new double[n];
        for (int b = 0; b < span; b++)
        {
            for (int q = b * be; q < Math.Min(m, (b + 1) * be); q++)
            {
                v += wd[q];
                for (int k = 0; k < n; k++) t[k] += wt[q * n + k];
            }
            pv[b + 1] = v; t.CopyTo(pt, (b + 1) * n);
        }
        levels.Add(new Level { Theta0 = (double[])theta.Clone(), Start = start, SafeCount = safe, PrefixValue = pv, PrefixTangent = pt });
        return padded;
    }

    /// <summary>
    /// The split of the learned term at <paramref name="theta"/>: Σ over the certified-safe events of
    /// w·[difference + tangent·(θ − θ_k)] (into <paramref name="linear"/>, its θ-gradient added into
    /// <paramref name="tangent"/>) and the block ranges of <see cref="Sorted"/> that must go through the network.
    /// </summary>
    public List<(int Begin, int End)> Split(double[] theta, out double linear, Span<double> tangent)
    {
        var ranges = new List<(int, int)>();
        linear = 0;
        for (int i = 0; i < levels.Count; i++)
        {
            var l = levels[i];
            int end = i + 1 < levels.Count ? levels[i + 1].Start : blocks;
            double dist = 0;
            for (int k = 0; k < n; k++) dist = Math.Max(dist, Math.Abs(theta[k] - l.Theta0[k]));
            // Events in the buckets whose lower edge exceeds dist: SafeCount at the lowest such bucket (edges increase with the index).
            int lo = 0, hi = Buckets;
            while (lo < hi) { int mid = (lo + hi) >>> 1; if (Edges[mid] > dist) hi = mid; else lo = mid + 1; }
            int safeEvents = lo < Buckets ? l.SafeCount[lo] : 0;
            int s = Math.Min(end, l.Start + safeEvents / blockEvents), j = s - l.Start;
            linear += l.PrefixValue[j];
            for (int k = 0; k < n; k++)
            {
                linear += l.PrefixTangent[j * n + k] * (theta[k] - l.Theta0[k]);
                if (!tangent.IsEmpty) tangent[k] += l.PrefixTangent[j * n + k];
            }
            if (s < end) ranges.Add((s, end));
        }
        return ranges;
    }
}
