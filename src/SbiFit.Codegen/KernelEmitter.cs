using System.Globalization;
using System.Text;
using SbiFit.Learning;

namespace SbiFit.Codegen;

/// <summary>
/// Writes the network-independent kernels of the generated source. The element type is the file-level alias
/// <c>T</c> (float or double), so the same text serves both precisions. Events are stored in blocks of
/// BE = 2 Vector256 lanes: a [rows, BE] block holds one row (unit) per BE consecutive elements.
/// </summary>
internal static class KernelEmitter
{
    public static string TypeName(Precision p) => p == Precision.Single ? "float" : "double";

    public static int BlockEvents(Precision p) => p == Precision.Single ? 16 : 8;

    /// <summary>A C# literal that reproduces the float exactly in either precision.</summary>
    public static string Literal(float v, Precision p)
    {
        if (!float.IsFinite(v)) throw new CodegenException($"cannot emit non-finite weight {v}.");
        return p == Precision.Single
            ? v.ToString("R", CultureInfo.InvariantCulture) + "f"
            : ((double)v).ToString("R", CultureInfo.InvariantCulture) + "d";
    }

    public static void Array(StringBuilder sb, string comment, string type, string name, IReadOnlyList<string> values)
    {
        sb.Append("    /// <summary>").Append(comment).AppendLine("</summary>");
        sb.Append("    static readonly ").Append(type).Append("[] ").Append(name).Append(" = {");
        for (int i = 0; i < values.Count; i++)
        {
            if (i % 8 == 0) sb.AppendLine().Append("        ");
            sb.Append(values[i]).Append(", ");
        }
        sb.AppendLine().AppendLine("    };");
    }

    /// <summary>
    /// A <c>static readonly</c> array of model numbers (weights, standardisation, rate form, …) filled at load from the
    /// class's <see cref="ConstantSet"/> (see <see cref="GeneratedConstants"/>): the numbers never enter the source,
    /// so every model of one architecture compiles to the same source and shares one compiled, disk-cached assembly.
    /// <paramref name="type"/> is <c>T</c> (kernel precision), <c>float</c> or <c>double</c>.
    /// </summary>
    public static void Constant(StringBuilder sb, ConstantSet set, string comment, string type, string name, double[] values, string what = "constant")
    {
        set.Add(name, values, what);
        string loader = type switch
        {
            "T" => "LoadT", "float" => "LoadF", "double" => "LoadD",
            _ => throw new ArgumentException($"constant type '{type}' is not T, float or double.", nameof(type)),
        };
        sb.Append("    /// <summary>").Append(comment).AppendLine("</summary>");
        sb.Append("    static readonly ").Append(type).Append("[] ").Append(name).Append(" = ").Append(loader)
            .Append("(\"").Append(name).Append("\", ").Append(values.Length).AppendLine(");");
    }

    /// <inheritdoc cref="Constant(StringBuilder, ConstantSet, string, string, string, double[], string)"/>
    public static void Constant(StringBuilder sb, ConstantSet set, string comment, string type, string name, float[] values, string what = "weight") =>
        Constant(sb, set, comment, type, name, System.Array.ConvertAll(values, v => (double)v), what);

    public static string ActivationMethod(Activation a) => "Act" + a;

    /// <summary>Activation value, derivative (mode ≥ 1) and second derivative (mode 2) over a block.</summary>
    public static void Activation(StringBuilder sb, Activation a, float leakySlope, Precision p)
    {
        string body = a switch
        {
            Learning.Activation.Identity => "var y = x; var d1 = one; var d2 = Vector256<T>.Zero;",
            Learning.Activation.ReLU =>
                "var m = Vector256.GreaterThan(x, Vector256<T>.Zero); var y = Vector256.Max(x, Vector256<T>.Zero);\n" +
                "            var d1 = m & one; var d2 = Vector256<T>.Zero;",
            Learning.Activation.LeakyReLU =>
                $"var m = Vector256.GreaterThan(x, Vector256<T>.Zero); var slope = Vector256.Create({Literal(leakySlope, p)});\n" +
                "            var y = Vector256.ConditionalSelect(m, x, x * slope); var d1 = Vector256.ConditionalSelect(m, one, slope);\n" +
                "            var d2 = Vector256<T>.Zero;",
            // tanh via exp(2x); saturates cleanly to ±1 (exp overflow gives +inf, 2/inf = 0).
            Learning.Activation.Tanh =>
                "var y = one - two / (Vector256.Exp(x + x) + one); var d1 = one - y * y; var d2 = -two * y * d1;",
            Learning.Activation.Sigmoid =>
                "var y = one / (one + Vector256.Exp(-x)); var d1 = y * (one - y); var d2 = d1 * (one - two * y);",
            Learning.Activation.SiLU =>
                "var sg = one / (one + Vector256.Exp(-x)); var y = x * sg; var q = sg * (one - sg);\n" +
                "            var d1 = sg + x * q; var d2 = q * (two + x * (one - two * sg));",
            _ => throw new CodegenException($"activation {a} is not supported by the code generator."),
        };
        sb.AppendLine($$"""
    /// <summary>{{a}} over a block: a = f(s); d = f'(s) when mode ≥ 1; dd = f''(s) when mode = 2.</summary>
    static void {{ActivationMethod(a)}}(ReadOnlySpan<T> s, Span<T> a, Span<T> d, Span<T> dd, int mode)
    {
        var one = Vector256<T>.One; var two = one + one;
        for (int i = 0; i < s.Length; i += Vector256<T>.Count)
        {
            var x = Vector256.Create(s.Slice(i, Vector256<T>.Count));
            {{body}}
            y.CopyTo(a.Slice(i));
            if (mode >= 1) d1.CopyTo(d.Slice(i));
            if (mode == 2) d2.CopyTo(dd.Slice(i));
        }
    }

""");
    }

    /// <summary>Register-blocked GEMM over a block plus the element-wise helpers the AD passes need.</summary>
    public static void Common(StringBuilder sb) => sb.AppendLine("""
    const int L = 32 / sizeof(T);   // events per Vector256
    const int BE = 2 * L;           // events per block

    /// <summary>
    /// dst[r, :] = bias[r] + Σ_k w[r, k] src[k, :] for one block; w row-major [rows, inner]. Tiles of 4 rows x 2
    /// event vectors keep 8 accumulators in registers: per k, 2 loads + 4 broadcasts feed 8 FMAs.
    /// </summary>
    static void Gemm(T[] w, T[]? bias, int rows, int inner, ReadOnlySpan<T> src, Span<T> dst)
    {
        ref T wr = ref MemoryMarshal.GetArrayDataReference(w);
        ref T s = ref MemoryMarshal.GetReference(src);
        ref T d = ref MemoryMarshal.GetReference(dst);
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            Vector256<T> a00, a01, a10, a11, a20, a21, a30, a31;
            if (bias is null) a00 = a01 = a10 = a11 = a20 = a21 = a30 = a31 = Vector256<T>.Zero;
            else
            {
                a00 = a01 = Vector256.Create(bias[r]); a10 = a11 = Vector256.Create(bias[r + 1]);
                a20 = a21 = Vector256.Create(bias[r + 2]); a30 = a31 = Vector256.Create(bias[r + 3]);
            }
            ref T w0 = ref Unsafe.Add(ref wr, r * inner);
            ref T w1 = ref Unsafe.Add(ref w0, inner);
            ref T w2 = ref Unsafe.Add(ref w1, inner);
            ref T w3 = ref Unsafe.Add(ref w2, inner);
            for (int k = 0; k < inner; k++)
            {
                var x0 = Vector256.LoadUnsafe(ref s, (nuint)(k * BE));
                var x1 = Vector256.LoadUnsafe(ref s, (nuint)(k * BE + L));
                var c = Vector256.Create(Unsafe.Add(ref w0, k));
                a00 = Vector256.FusedMultiplyAdd(c, x0, a00); a01 = Vector256.FusedMultiplyAdd(c, x1, a01);
                c = Vector256.Create(Unsafe.Add(ref w1, k));
                a10 = Vector256.FusedMultiplyAdd(c, x0, a10); a11 = Vector256.FusedMultiplyAdd(c, x1, a11);
                c = Vector256.Create(Unsafe.Add(ref w2, k));
                a20 = Vector256.FusedMultiplyAdd(c, x0, a20); a21 = Vector256.FusedMultiplyAdd(c, x1, a21);
                c = Vector256.Create(Unsafe.Add(ref w3, k));
                a30 = Vector256.FusedMultiplyAdd(c, x0, a30); a31 = Vector256.FusedMultiplyAdd(c, x1, a31);
            }
            nuint o = (nuint)(r * BE);
            a00.StoreUnsafe(ref d, o); a01.StoreUnsafe(ref d, o + L);
            a10.StoreUnsafe(ref d, o + BE); a11.StoreUnsafe(ref d, o + BE + L);
            a20.StoreUnsafe(ref d, o + 2 * BE); a21.StoreUnsafe(ref d, o + 2 * BE + L);
            a30.StoreUnsafe(ref d, o + 3 * BE); a31.StoreUnsafe(ref d, o + 3 * BE + L);
        }
        for (; r < rows; r++) GemmRow(ref Unsafe.Add(ref wr, r * inner), bias is null ? (T)0 : bias[r], inner, ref s, ref Unsafe.Add(ref d, r * BE));
    }

    /// <summary>One output row; four independent accumulator pairs hide the FMA latency.</summary>
    static void GemmRow(ref T w, T bias, int inner, ref T s, ref T d)
    {
        Vector256<T> a0 = Vector256.Create(bias), a1 = a0, b0 = Vector256<T>.Zero, b1 = b0;
        int k = 0;
        for (; k + 2 <= inner; k += 2)
        {
            var c = Vector256.Create(Unsafe.Add(ref w, k));
            a0 = Vector256.FusedMultiplyAdd(c, Vector256.LoadUnsafe(ref s, (nuint)(k * BE)), a0);
            a1 = Vector256.FusedMultiplyAdd(c, Vector256.LoadUnsafe(ref s, (nuint)(k * BE + L)), a1);
            c = Vector256.Create(Unsafe.Add(ref w, k + 1));
            b0 = Vector256.FusedMultiplyAdd(c, Vector256.LoadUnsafe(ref s, (nuint)(k * BE + BE)), b0);
            b1 = Vector256.FusedMultiplyAdd(c, Vector256.LoadUnsafe(ref s, (nuint)(k * BE + BE + L)), b1);
        }
        for (; k < inner; k++)
        {
            var c = Vector256.Create(Unsafe.Add(ref w, k));
            a0 = Vector256.FusedMultiplyAdd(c, Vector256.LoadUnsafe(ref s, (nuint)(k * BE)), a0);
            a1 = Vector256.FusedMultiplyAdd(c, Vector256.LoadUnsafe(ref s, (nuint)(k * BE + L)), a1);
        }
        (a0 + b0).StoreUnsafe(ref d); (a1 + b1).StoreUnsafe(ref d, L);
    }

    /// <summary>A constant array of this class's model (see <c>SbiFit.Codegen.GeneratedConstants</c>) in kernel precision; float32 values convert exactly.</summary>
    static T[] LoadT(string name, int count) => Array.ConvertAll(GeneratedConstants.Get(name, count), v => (T)v);
    static float[] LoadF(string name, int count) => Array.ConvertAll(GeneratedConstants.Get(name, count), v => (float)v);
    static double[] LoadD(string name, int count) => (double[])GeneratedConstants.Get(name, count).Clone();

    /// <summary>Row-major [rows, cols] to [cols, rows]; the pullback of y = W h uses Wᵀ with the same GEMM.</summary>
    static T[] Transpose(T[] w, int rows, int cols)
    {
        var t = new T[w.Length];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
        return t;
    }

    /// <summary>dst[r, :] = u[r, :] + c[r] (the θ-dependent first-layer shift added to cached pre-activations).</summary>
    static void AddRows(ReadOnlySpan<T> u, ReadOnlySpan<T> c, Span<T> dst)
    {
        for (int r = 0; r < c.Length; r++)
        {
            var cr = Vector256.Create(c[r]);
            (Vector256.Create(u.Slice(r * BE, L)) + cr).CopyTo(dst.Slice(r * BE));
            (Vector256.Create(u.Slice(r * BE + L, L)) + cr).CopyTo(dst.Slice(r * BE + L));
        }
    }

    /// <summary>dst[r, :] = c[r].</summary>
    static void FillRows(ReadOnlySpan<T> c, Span<T> dst)
    {
        for (int r = 0; r < c.Length; r++) dst.Slice(r * BE, BE).Fill(c[r]);
    }

    /// <summary>dst = a ⊙ b.</summary>
    static void Mul(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> dst)
    {
        for (int i = 0; i < dst.Length; i += L)
            (Vector256.Create(a.Slice(i, L)) * Vector256.Create(b.Slice(i, L))).CopyTo(dst.Slice(i));
    }

    /// <summary>Tangent of g = t ⊙ f'(s): dst = dt ⊙ f'(s) + t ⊙ f''(s) ⊙ ds.</summary>
    static void TangentPullback(ReadOnlySpan<T> dt, ReadOnlySpan<T> d, ReadOnlySpan<T> t, ReadOnlySpan<T> dd, ReadOnlySpan<T> ds, Span<T> dst)
    {
        for (int i = 0; i < dst.Length; i += L)
        {
            var v = Vector256.Create(dt.Slice(i, L)) * Vector256.Create(d.Slice(i, L))
                  + Vector256.Create(t.Slice(i, L)) * Vector256.Create(dd.Slice(i, L)) * Vector256.Create(ds.Slice(i, L));
            v.CopyTo(dst.Slice(i));
        }
    }

    /// <summary>acc[r] += Σ over the block's events of g[r, :], promoted to double.</summary>
    static void SumRows(ReadOnlySpan<T> g, Span<double> acc)
    {
        for (int r = 0; r < acc.Length; r++)
            acc[r] += (double)Vector256.Sum(Vector256.Create(g.Slice(r * BE, L)) + Vector256.Create(g.Slice(r * BE + L, L)));
    }

""");
}
