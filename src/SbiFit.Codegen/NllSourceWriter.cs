using System.Text;
using SbiFit.Learning;

namespace SbiFit.Codegen;

/// <summary>
/// Writes the NLL part of a generated class: the first-layer θ map M = W1 Vᵀ, the dataset binding with its
/// caches (standardised inputs z, or u = W1 z + b1 when the first layer is no wider than the input; logit(x, 0)),
/// value / reverse / forward / forward-over-reverse block loops and the extended term + constraints with their
/// analytic derivatives.
/// </summary>
internal sealed class NllSourceWriter(TheoryAwareNetwork net, NllOptions options, ConstantSet constants)
{
    /// <summary>
    /// Cache z (n_in = n_x + n_latent values per event; the latent ones are 0) and recompute the first layer as W1 z + (b1 + M θ) per call, instead of caching
    /// u (H1 values per event): the NLL at 1e6 events is memory-bound, so reading 5 floats beats reading 100.
    /// </summary>
    bool CacheInputs => net.InputWidth < net.Layers[0].Outputs;

    public void Write(StringBuilder sb)
    {
        Constants(sb);
        Passes(sb);
        DataClass(sb);
        Penalty(sb);
    }

    void Constants(StringBuilder sb)
    {
        int nin = net.InputWidth, nt = net.ThetaCount, h1 = net.Layers[0].Outputs;
        var w1 = net.Layers[0].Weights;
        var m = new double[h1 * nt];   // M[j, k] = Σ_i W1[j, i] V[k, i]: ∂(first-layer pre-activation j)/∂θ_k
        for (int j = 0; j < h1; j++)
            for (int k = 0; k < nt; k++)
            {
                double s = 0;
                for (int i = 0; i < nin; i++) s += (double)w1[j * nin + i] * net.Shift[k * nin + i];
                m[j * nt + k] = s;
            }
        KernelEmitter.Constant(sb, constants, "M = W1 Vᵀ [H1, NT]: the first-layer shift is c = M θ for every event.", "double", "M", m);
        var mt = new double[h1 * nt];
        for (int k = 0; k < nt; k++) for (int j = 0; j < h1; j++) mt[k * h1 + j] = m[j * nt + k];
        KernelEmitter.Constant(sb, constants, "Columns of M in kernel precision [NT, H1] (forward-mode tangent seeds).", "T", "MT", mt);
        bool smooth = net.Layers.All(l => NetworkSourceWriter.IsSmooth(l.Activation));
        int ll = net.Layers.Count - 1;
        static bool Kinked(Activation a) => a is Activation.ReLU or Activation.LeakyReLU;
        bool piecewise = net.Layers[ll].Activation == Activation.Identity
            && net.Layers.Take(ll).All(l => Kinked(l.Activation) || l.Activation == Activation.Identity);
        var kinked = Enumerable.Range(0, ll).Where(l => Kinked(net.Layers[l].Activation)).Select(l => l.ToString()).ToArray();
        KernelEmitter.Array(sb, "Hidden layers with a kink at s = 0 (ReLU, LeakyReLU): the ones that bound the linearisation radius.", "int", "Kinked", kinked);
        sb.AppendLine($$"""
    /// <inheritdoc/>
    public int FirstLayerWidth => H1;
    /// <inheritdoc/>
    public bool SmoothActivations => {{(smooth ? "true" : "false")}};
    /// <inheritdoc/>
    public bool PiecewiseLinear => {{(piecewise ? "true" : "false")}};
    /// <inheritdoc/>
    public INllData Bind(ReadOnlySpan<float> x, ReadOnlySpan<double> w, int events) => new Data(x, w, events);

    /// <summary>{{(CacheInputs ? "c = b1 + M θ (the first-layer bias of this call)" : "c = M θ")}} in kernel precision.</summary>
    static void SetShift(ReadOnlySpan<double> theta, Span<T> c)
    {
        if (theta.Length != NT) throw new ArgumentException($"theta has {theta.Length} components, the network takes {NT}.");
        for (int j = 0; j < H1; j++)
        {
            double s = {{(CacheInputs ? "B0[j]" : "0")}};
            for (int k = 0; k < NT; k++) s += M[j * NT + k] * theta[k];
            c[j] = (T)s;
        }
    }

    /// <inheritdoc/>
    public void ProjectToTheta(ReadOnlySpan<double> firstLayerGradient, Span<double> thetaGradient)
    {
        for (int k = 0; k < NT; k++)
        {
            double s = 0;
            for (int j = 0; j < H1; j++) s += M[j * NT + k] * firstLayerGradient[j];
            thetaGradient[k] = s;
        }
    }

""");
    }

    void Passes(StringBuilder sb)
    {
        int ll = net.Layers.Count - 1;
        NetworkSourceWriter.Method(sb, "Reverse pass: G[l] = ∂(−Σ w logit)/∂s_l from the seed G[LL] down to the first layer.", "Backward(Scratch sc)",
            Enumerable.Range(1, ll).Reverse().Select(l => $"Pullback{l}(sc.G[{l}], sc.Tb[{l - 1}]); Mul(sc.Tb[{l - 1}], sc.D[{l - 1}], sc.G[{l - 1}]);"));
        NetworkSourceWriter.Method(sb, "Forward tangent along θ_k: TS = ds/dθ_k, TA = da/dθ_k for every layer.", "TangentForward(Scratch sc, int k)",
            new[] { "FillRows(MT.AsSpan(k * H1, H1), sc.TS[0]); Mul(sc.D[0], sc.TS[0], sc.TA[0]);" }
                .Concat(Enumerable.Range(1, ll).Select(l => $"Tangent{l}(sc.TA[{l - 1}], sc.TS[{l}]); Mul(sc.D[{l}], sc.TS[{l}], sc.TA[{l}]);")));
        NetworkSourceWriter.Method(sb, "Tangent of the reverse pass (forward over reverse): TG = dG/dθ_k.", "TangentBackward(Scratch sc)",
            Enumerable.Range(1, ll).Reverse().Select(l =>
                $"Pullback{l}(sc.TG[{l}], sc.TT[{l - 1}]); TangentPullback(sc.TT[{l - 1}], sc.D[{l - 1}], sc.Tb[{l - 1}], sc.DD[{l - 1}], sc.TS[{l - 1}], sc.TG[{l - 1}]);"));
    }

    void DataClass(StringBuilder sb) => sb.AppendLine($$"""
    /// <summary>{{(CacheInputs ? "Rows per event of the cache: standardised inputs z." : "Rows per event of the cache: first-layer pre-activations u = W1 z + b1.")}}</summary>
    const int CR = {{(CacheInputs ? "NI" : "H1")}};

    /// <summary>One bound dataset: cache [blocks, CR, BE], weights, logit(x, 0).</summary>
    sealed class Data : INllData
    {
        readonly T[] cache; readonly double[] w; readonly T[] l0; readonly int events;

        /// <summary>An empty dataset of the shape of <paramref name="src"/> (filled by <see cref="Gather"/>).</summary>
        Data(Data src)
        {
            events = src.events; Blocks = src.Blocks; SumOfWeights = src.SumOfWeights;
            cache = new T[Blocks * CR * BE]; w = new double[Blocks * BE]; l0 = new T[Blocks * BE];
        }

        public INllData Permute(ReadOnlySpan<int> order, System.Threading.Tasks.ParallelOptions parallel)
        {
            if (order.Length != events) throw new ArgumentException($"order has {order.Length} entries, expected {events}.");
            var copy = new Data(this);
            Gather(CheckedOrder(order), copy.cache, copy.w, copy.l0, parallel);
            return copy;
        }

        public void PermuteTail(int firstBlock, ReadOnlySpan<int> order, System.Threading.Tasks.ParallelOptions parallel)
        {
            int first = firstBlock * BE;
            if ((uint)firstBlock > (uint)Blocks || order.Length != Math.Max(0, events - first))
                throw new ArgumentException($"a tail from block {firstBlock} needs {Math.Max(0, events - first)} entries, got {order.Length}.");
            var o = CheckedOrder(order);
            foreach (int i in o) if (i < first) throw new ArgumentException($"event {i} is not in the tail from block {firstBlock}.");
            int tail = Blocks - firstBlock;
            var c = new T[tail * CR * BE]; var ww = new double[tail * BE]; var ll = new T[tail * BE];
            Gather(o, c, ww, ll, parallel);
            Array.Copy(c, 0, cache, firstBlock * CR * BE, c.Length);
            Array.Copy(ww, 0, w, first, ww.Length);
            Array.Copy(ll, 0, l0, first, ll.Length);
        }

        int[] CheckedOrder(ReadOnlySpan<int> order)
        {
            var o = order.ToArray();
            var seen = new bool[events];
            for (int p = 0; p < o.Length; p++)
            {
                if ((uint)o[p] >= (uint)events) throw new ArgumentException($"order[{p}] = {o[p]} is not an event index.");
                if (seen[o[p]]) throw new ArgumentException($"order[{p}] = {o[p]} repeats an event: the order must be a permutation.");
                seen[o[p]] = true;
            }
            return o;
        }

        /// <summary>
        /// Position q of the destination arrays gets event order[q] of this dataset (all its cache rows, weight and
        /// logit(x, 0)); padding stays zero. A random gather, split over the caller's threads (each position written once).
        /// </summary>
        void Gather(int[] order, T[] dc, double[] dw, T[] dl, System.Threading.Tasks.ParallelOptions parallel)
        {
            const int Chunk = 8192;
            System.Threading.Tasks.Parallel.For(0, (order.Length + Chunk - 1) / Chunk, parallel, k =>
            {
                for (int q = k * Chunk; q < Math.Min(order.Length, (k + 1) * Chunk); q++)
                {
                    int i = order[q];
                    dw[q] = w[i]; dl[q] = l0[i];
                    int dst = (q / BE) * CR * BE + q % BE, from = (i / BE) * CR * BE + i % BE;
                    for (int r = 0; r < CR; r++) dc[dst + r * BE] = cache[from + r * BE];
                }
            });
        }

        /// <summary>dst[e] = logit(x, θ) − logit(x, 0) for block b's events, from the forward pass in the scratch buffers.</summary>
        void BlockDifference(int b, Scratch sc, Span<double> dst)
        {
            var y = sc.A[LL];
            for (int e = 0; e < BE; e++) dst[e] = (double)y[e] - (double)l0[b * BE + e];
        }

        public void Differences(int firstBlock, int endBlock, ReadOnlySpan<double> theta, Span<double> difference)
        {
            var sc = Scratch.Current; SetShift(theta, sc.C);
            for (int b = firstBlock; b < endBlock; b++) { First(b, sc, 0); BlockDifference(b, sc, difference.Slice((b - firstBlock) * BE, BE)); }
        }

        public void Linearise(int firstBlock, int endBlock, ReadOnlySpan<double> theta, Span<double> difference, Span<double> tangent, Span<double> radius)
        {
            var sc = Scratch.Current; SetShift(theta, sc.C);
            var abs = new T[LL][];
            for (int l = 0; l < LL; l++) abs[l] = new T[Width[l] * BE];
            var rad = new T[BE];
            for (int b = firstBlock; b < endBlock; b++)
            {
                int o = (b - firstBlock) * BE;
                First(b, sc, 1);
                BlockDifference(b, sc, difference.Slice(o, BE));
                foreach (int l in Kinked) Array.Clear(abs[l]);
                for (int k = 0; k < NT; k++)
                {
                    TangentForward(sc, k);
                    foreach (int l in Kinked) AddAbs(sc.TS[l], abs[l]);
                    var dy = sc.TA[LL];
                    for (int e = 0; e < BE; e++) tangent[(o + e) * NT + k] = (double)dy[e];
                }
                Radius(sc, abs, rad);
                for (int e = 0; e < BE; e++) radius[o + e] = (double)rad[e];
            }
        }

        /// <summary>acc += |t| element-wise.</summary>
        static void AddAbs(ReadOnlySpan<T> t, Span<T> acc)
        {
            for (int i = 0; i < acc.Length; i += L)
                (Vector256.Create(acc.Slice(i, L)) + Vector256.Abs(Vector256.Create(t.Slice(i, L)))).CopyTo(acc.Slice(i));
        }

        /// <summary>Per event: min over the kinked units of |s| / Σ_k |∂s/∂θ_k| (+∞ for units that do not move).</summary>
        static void Radius(Scratch sc, T[][] abs, Span<T> rad)
        {
            var inf = Vector256.Create(T.PositiveInfinity);
            var r0 = inf; var r1 = inf;
            foreach (int l in Kinked)
            {
                var s = sc.S[l]; var a = abs[l];
                for (int i = 0; i < a.Length; i += BE)
                {
                    var a0 = Vector256.Create(a.AsSpan(i, L)); var a1 = Vector256.Create(a.AsSpan(i + L, L));
                    var q0 = Vector256.ConditionalSelect(Vector256.GreaterThan(a0, Vector256<T>.Zero), Vector256.Abs(Vector256.Create(s.AsSpan(i, L))) / a0, inf);
                    var q1 = Vector256.ConditionalSelect(Vector256.GreaterThan(a1, Vector256<T>.Zero), Vector256.Abs(Vector256.Create(s.AsSpan(i + L, L))) / a1, inf);
                    r0 = Vector256.Min(r0, q0); r1 = Vector256.Min(r1, q1);
                }
            }
            r0.CopyTo(rad); r1.CopyTo(rad.Slice(L));
        }

        public Data(ReadOnlySpan<float> x, ReadOnlySpan<double> weights, int events)
        {
            if (events <= 0) throw new ArgumentException($"the dataset has {events} events; at least one is needed.");
            if (x.Length != events * NX) throw new ArgumentException($"x has {x.Length} values, expected {events} events x {NX} features.");
            if (weights.Length != events) throw new ArgumentException($"w has {weights.Length} values, expected one per event ({events}).");
            Blocks = (events + BE - 1) / BE; this.events = events;
            cache = new T[Blocks * CR * BE]; w = new double[Blocks * BE]; l0 = new T[Blocks * BE];
            double sum = 0, comp = 0;   // Kahan
            for (int i = 0; i < events; i++)
            {
                if (!double.IsFinite(weights[i])) throw new ArgumentException($"event weight w[{i}] = {weights[i]} is not finite.");
                w[i] = weights[i];
                double y = weights[i] - comp, t = sum + y; comp = (t - sum) - y; sum = t;
            }
            SumOfWeights = sum;
            var sc = Scratch.Current;
            for (int b = 0; b < Blocks; b++)
            {
                var block = cache.AsSpan(b * CR * BE, CR * BE);
{{(CacheInputs
    ? "                LoadInputs(x, ReadOnlySpan<float>.Empty, b * BE, Math.Min(BE, events - b * BE), block);"
    : "                LoadInputs(x, ReadOnlySpan<float>.Empty, b * BE, Math.Min(BE, events - b * BE), sc.X0);\n                Layer0(sc.X0, block);")}}
            }
        }

        public int Blocks { get; }
        public double SumOfWeights { get; }

        void First(int b, Scratch sc, int mode)
        {
{{(CacheInputs
    ? "            Gemm(W0, sc.C, H1, NI, cache.AsSpan(b * CR * BE, CR * BE), sc.S[0]);   // W1 z + (b1 + M θ)"
    : "            AddRows(cache.AsSpan(b * CR * BE, CR * BE), sc.C, sc.S[0]);   // u + M θ")}}
            Activate(sc, 0, mode);
            ForwardRest(sc, mode);
        }

        /// <summary>−Σ w (logit − logit₀) over the block, in double.</summary>
        double Learned(int b, Scratch sc)
        {
            var y = sc.A[LL]; double s = 0;
            for (int e = 0; e < BE; e++) s += w[b * BE + e] * ((double)y[e] - (double)l0[b * BE + e]);
            return -s;
        }

        public void PrepareReference(int firstBlock, int endBlock)
        {
            var sc = Scratch.Current; SetShift(new double[NT], sc.C);
            for (int b = firstBlock; b < endBlock; b++) { First(b, sc, 0); sc.A[LL].AsSpan(0, BE).CopyTo(l0.AsSpan(b * BE)); }
        }

        public double Value(int firstBlock, int endBlock, ReadOnlySpan<double> theta)
        {
            var sc = Scratch.Current; SetShift(theta, sc.C);
            double sum = 0;
            for (int b = firstBlock; b < endBlock; b++) { First(b, sc, 0); sum += Learned(b, sc); }
            return sum;
        }

        /// <summary>Seed of the reverse pass: ∂(−Σ w logit)/∂s_LL = −w f'(s_LL).</summary>
        void Seed(int b, Scratch sc)
        {
            var g = sc.G[LL]; var d = sc.D[LL];
            for (int e = 0; e < BE; e++) g[e] = (T)(-w[b * BE + e]) * d[e];
        }

        public double ValueGradientReverse(int firstBlock, int endBlock, ReadOnlySpan<double> theta, Span<double> firstLayerGradient)
        {
            var sc = Scratch.Current; SetShift(theta, sc.C);
            double sum = 0;
            for (int b = firstBlock; b < endBlock; b++)
            {
                First(b, sc, 1); sum += Learned(b, sc);
                Seed(b, sc); Backward(sc); SumRows(sc.G[0], firstLayerGradient);
            }
            return sum;
        }

        public double ValueGradientForward(int firstBlock, int endBlock, ReadOnlySpan<double> theta, Span<double> thetaGradient)
        {
            var sc = Scratch.Current; SetShift(theta, sc.C);
            double sum = 0;
            for (int b = firstBlock; b < endBlock; b++)
            {
                First(b, sc, 1); sum += Learned(b, sc);
                for (int k = 0; k < NT; k++)
                {
                    TangentForward(sc, k);
                    var dy = sc.TA[LL]; double s = 0;
                    for (int e = 0; e < BE; e++) s += w[b * BE + e] * (double)dy[e];
                    thetaGradient[k] -= s;
                }
            }
            return sum;
        }

        public void HessianColumns(int firstBlock, int endBlock, ReadOnlySpan<double> theta, Span<double> firstLayerColumns)
        {
            var sc = Scratch.Current; SetShift(theta, sc.C);
            for (int b = firstBlock; b < endBlock; b++)
            {
                First(b, sc, 2); Seed(b, sc); Backward(sc);
                for (int k = 0; k < NT; k++)
                {
                    TangentForward(sc, k);
                    var tg = sc.TG[LL]; var dd = sc.DD[LL]; var ts = sc.TS[LL];
                    for (int e = 0; e < BE; e++) tg[e] = (T)(-w[b * BE + e]) * dd[e] * ts[e];
                    TangentBackward(sc);
                    SumRows(sc.TG[0], firstLayerColumns.Slice(k * H1, H1));
                }
            }
        }
    }

""");

    void Penalty(StringBuilder sb)
    {
        var lines = new List<string> { "double value = 0;" };
        if (options.Rate is { } r)
        {
            int n = net.ThetaCount;
            KernelEmitter.Constant(sb, constants, "Rate form b.", "double", "RateB", r.B.ToArray());
            var sym = new double[n * n];   // C + Cᵀ
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) sym[i * n + j] = r.C[i * n + j] + r.C[j * n + i];
            KernelEmitter.Constant(sb, constants, "Rate form C + Cᵀ (Hessian of Q).", "double", "RateC2", sym);
            KernelEmitter.Constant(sb, constants, "Rate form a = Q(0) and the SM yield N_SM.", "double", "RateScalars", [r.A, r.StandardModelYield]);
            const string a = "RateScalars[0]", nsm = "RateScalars[1]";
            lines.AddRange(new[]
            {
                "// Extended term ν − N_obs ln ν, ν = N_SM Q(θ)/Q(0), Q = a + b·θ + θᵀCθ.",
                $"Span<double> dq = stackalloc double[NT]; double q = {a};",
                "for (int k = 0; k < NT; k++)",
                "{",
                "    double s = RateB[k];",
                "    for (int l = 0; l < NT; l++) s += RateC2[k * NT + l] * theta[l];",
                "    dq[k] = s; q += RateB[k] * theta[k];",
                "    for (int l = 0; l < NT; l++) q += 0.5 * RateC2[k * NT + l] * theta[k] * theta[l];",
                "}",
                "if (!(q > 0)) return double.PositiveInfinity;",
                $"double scale = {nsm} / {a}, nu = scale * q, f = 1 - observed / nu;",
                "value += nu - observed * Math.Log(nu);",
                "if (!gradient.IsEmpty) for (int k = 0; k < NT; k++) gradient[k] += f * scale * dq[k];",
                "if (!hessian.IsEmpty)",
                "    for (int k = 0; k < NT; k++) for (int l = 0; l < NT; l++)",
                "        hessian[k * NT + l] += f * scale * RateC2[k * NT + l] + observed / (nu * nu) * scale * scale * dq[k] * dq[l];",
            });
        }
        if (options.Constraints.Count > 0)
        {
            KernelEmitter.Constant(sb, constants, "Gaussian constraints: mean per constraint.", "double", "ConstraintMean", options.Constraints.Select(c => c.Mean).ToArray());
            KernelEmitter.Constant(sb, constants, "Gaussian constraints: 1/σ² per constraint.", "double", "ConstraintInverseVariance", options.Constraints.Select(c => 1 / (c.Sigma * c.Sigma)).ToArray());
        }
        for (int i = 0; i < options.Constraints.Count; i++)
        {
            var c = options.Constraints[i];
            string mu = $"ConstraintMean[{i}]", inv = $"ConstraintInverseVariance[{i}]";
            int k = c.ThetaIndex;
            lines.Add($"// Gaussian constraint {i} on {net.ThetaNames[k]}.");
            lines.Add($"value += 0.5 * (theta[{k}] - {mu}) * (theta[{k}] - {mu}) * {inv};");
            lines.Add($"if (!gradient.IsEmpty) gradient[{k}] += (theta[{k}] - {mu}) * {inv};");
            lines.Add($"if (!hessian.IsEmpty) hessian[{k * net.ThetaCount + k}] += {inv};");
        }
        lines.Add("return value;");
        sb.AppendLine("    /// <inheritdoc/>");
        sb.AppendLine("    public double Penalty(ReadOnlySpan<double> theta, double observed, Span<double> gradient, Span<double> hessian)");
        sb.AppendLine("    {");
        foreach (var l in lines) sb.AppendLine("        " + l);
        sb.AppendLine("    }");
    }
}
