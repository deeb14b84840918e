using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SbiFit.Learning.Onnx;

/// <summary>Element-wise arithmetic with numpy broadcasting, as ONNX's Add/Sub/Mul/Div.</summary>
internal enum BinaryOp { Add, Sub, Mul, Div }

/// <summary>
/// float32 kernels of the ONNX operators the interpreter supports. Inner loops go through
/// <see cref="TensorPrimitives"/> (vectorised); failures throw <see cref="InvalidOperationException"/> that the
/// interpreter re-labels with the node.
/// </summary>
internal static class OnnxKernels
{
    public static OnnxTensor Binary(BinaryOp op, OnnxTensor a, OnnxTensor b)
    {
        int[] shape = BroadcastShape(a.Shape, b.Shape);
        var y = new float[Count(shape)];
        if (a.Data.Length == y.Length && b.Data.Length == y.Length) Apply(op, a.Data, b.Data, y);
        else if (b.Data.Length == 1) ApplyScalarRight(op, a.Data, b.Data[0], y);
        else if (a.Data.Length == 1) ApplyScalarLeft(op, a.Data[0], b.Data, y);
        else if (a.Data.Length == y.Length && IsTrailing(b.Shape, shape))
            for (int o = 0, k = b.Data.Length; o < y.Length; o += k) Apply(op, a.Data.AsSpan(o, k), b.Data, y.AsSpan(o, k));
        else if (b.Data.Length == y.Length && IsTrailing(a.Shape, shape))
            for (int o = 0, k = a.Data.Length; o < y.Length; o += k) Apply(op, a.Data, b.Data.AsSpan(o, k), y.AsSpan(o, k));
        else GeneralBroadcast(op, a, b, shape, y);
        return new OnnxTensor(shape, y);
    }

    static void Apply(BinaryOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, y); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, y); break;
            default: TensorPrimitives.Divide(a, b, y); break;
        }
    }

    static void ApplyScalarRight(BinaryOp op, ReadOnlySpan<float> a, float b, Span<float> y)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(a, b, y); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(a, b, y); break;
            default: TensorPrimitives.Divide(a, b, y); break;
        }
    }

    static void ApplyScalarLeft(BinaryOp op, float a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (op)
        {
            case BinaryOp.Add: TensorPrimitives.Add(b, a, y); break;
            case BinaryOp.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryOp.Mul: TensorPrimitives.Multiply(b, a, y); break;
            default: TensorPrimitives.Divide(a, b, y); break;
        }
    }

    static float Apply(BinaryOp op, float a, float b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        _ => a / b,
    };

    /// <summary>Rare shapes (e.g. [N,1] with [1,K]): strided walk over the output.</summary>
    static void GeneralBroadcast(BinaryOp op, OnnxTensor a, OnnxTensor b, int[] shape, float[] y)
    {
        int r = shape.Length;
        int[] sa = BroadcastStrides(a.Shape, shape), sb = BroadcastStrides(b.Shape, shape);
        var index = new int[r];
        for (int o = 0; o < y.Length; o++)
        {
            int ia = 0, ib = 0;
            for (int d = 0; d < r; d++) { ia += index[d] * sa[d]; ib += index[d] * sb[d]; }
            y[o] = Apply(op, a.Data[ia], b.Data[ib]);
            for (int d = r - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
        }
    }

    static int[] BroadcastStrides(int[] shape, int[] outShape)
    {
        var strides = new int[outShape.Length];
        int stride = 1;
        for (int d = shape.Length - 1, o = outShape.Length - 1; d >= 0; d--, o--)
        {
            strides[o] = shape[d] == 1 ? 0 : stride;
            stride *= shape[d];
        }
        return strides;
    }

    /// <summary>True when <paramref name="small"/> (ignoring leading 1s) equals the trailing dimensions of <paramref name="shape"/>.</summary>
    static bool IsTrailing(int[] small, int[] shape)
    {
        int first = 0;
        while (first < small.Length && small[first] == 1) first++;
        int len = small.Length - first;
        if (len > shape.Length) return false;
        for (int i = 0; i < len; i++)
            if (small[first + i] != shape[shape.Length - len + i]) return false;
        return true;
    }

    public static int[] BroadcastShape(int[] a, int[] b)
    {
        int r = Math.Max(a.Length, b.Length);
        var shape = new int[r];
        for (int i = 0; i < r; i++)
        {
            int da = i < r - a.Length ? 1 : a[i - (r - a.Length)];
            int db = i < r - b.Length ? 1 : b[i - (r - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new InvalidOperationException($"shapes [{string.Join(",", a)}] and [{string.Join(",", b)}] cannot be broadcast together.");
            shape[i] = da == 1 ? db : da;
        }
        return shape;
    }

    public static int Count(int[] shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        return checked((int)n);
    }

    public static OnnxTensor Relu(OnnxTensor x) => Map(x, (s, d) => TensorPrimitives.Max(s, 0f, d));
    public static OnnxTensor Sigmoid(OnnxTensor x) => Map(x, TensorPrimitives.Sigmoid);
    public static OnnxTensor Tanh(OnnxTensor x) => Map(x, TensorPrimitives.Tanh);

    public static OnnxTensor LeakyRelu(OnnxTensor x, float alpha)
    {
        var y = new float[x.Data.Length];
        for (int i = 0; i < y.Length; i++) { float v = x.Data[i]; y[i] = v >= 0 ? v : alpha * v; }
        return new OnnxTensor(x.Shape, y);
    }

    static OnnxTensor Map(OnnxTensor x, SpanMap f)
    {
        var y = new float[x.Data.Length];
        f(x.Data, y);
        return new OnnxTensor(x.Shape, y);
    }

    delegate void SpanMap(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>Y = alpha·op(A)·op(B) + beta·C, C broadcast to [M, N].</summary>
    public static OnnxTensor Gemm(OnnxTensor a, OnnxTensor b, OnnxTensor? c, float alpha, float beta, bool transA, bool transB)
    {
        if (a.Rank != 2 || b.Rank != 2) throw new InvalidOperationException($"Gemm needs 2-D inputs, got A {a.ShapeText} and B {b.ShapeText}.");
        float[] aData = a.Data;
        int m = a.Shape[0], k = a.Shape[1];
        if (transA) { aData = Transpose(a.Data, m, k); (m, k) = (k, m); }
        int kb = transB ? b.Shape[1] : b.Shape[0], n = transB ? b.Shape[0] : b.Shape[1];
        if (kb != k) throw new InvalidOperationException($"Gemm inner dimensions differ: A {a.ShapeText} (transA={transA}) and B {b.ShapeText} (transB={transB}).");
        var y = new float[m * n];
        MatMul(aData, m, k, b.Data, transB, n, y);
        if (alpha != 1) TensorPrimitives.Multiply(y, alpha, y);
        var result = new OnnxTensor([m, n], y);
        if (c is null || beta == 0) return result;
        var cs = beta == 1 ? c : new OnnxTensor(c.Shape, Scaled(c.Data, beta));
        result = Binary(BinaryOp.Add, result, cs);
        if (result.Rank != 2 || result.Shape[0] != m || result.Shape[1] != n)
            throw new InvalidOperationException($"Gemm bias C {c.ShapeText} does not broadcast to [{m},{n}].");
        return result;
    }

    static float[] Scaled(float[] x, float s)
    {
        var y = new float[x.Length];
        TensorPrimitives.Multiply(x, s, y);
        return y;
    }

    /// <summary>numpy matmul for 1-D and 2-D operands.</summary>
    public static OnnxTensor MatMul(OnnxTensor a, OnnxTensor b)
    {
        if (a.Rank is < 1 or > 2 || b.Rank is < 1 or > 2)
            throw new InvalidOperationException($"MatMul supports 1-D and 2-D operands, got {a.ShapeText} and {b.ShapeText}.");
        int m = a.Rank == 2 ? a.Shape[0] : 1, k = a.Shape[^1];
        int kb = b.Shape[0], n = b.Rank == 2 ? b.Shape[1] : 1;
        if (k != kb) throw new InvalidOperationException($"MatMul inner dimensions differ: {a.ShapeText} and {b.ShapeText}.");
        var y = new float[m * n];
        MatMul(a.Data, m, k, b.Data, false, n, y);
        int[] shape = (a.Rank, b.Rank) switch { (2, 2) => [m, n], (2, 1) => [m], (1, 2) => [n], _ => [] };
        return new OnnxTensor(shape, y);
    }

    /// <summary>
    /// y[M,N] = a[M,K]·B with B stored [K,N] or, if <paramref name="bTransposed"/>, [N,K]. Narrow outputs use row dot
    /// products; wide ones a register-blocked Vector256 kernel (4 rows × 8 columns per step, FMA).
    /// </summary>
    static void MatMul(float[] a, int m, int k, float[] b, bool bTransposed, int n, float[] y)
    {
        bool dotForm = n < 16;
        if (dotForm != bTransposed) b = Transpose(b, bTransposed ? n : k, bTransposed ? k : n);
        if (dotForm)
        {
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) y[i * n + j] = TensorPrimitives.Dot(a.AsSpan(i * k, k), b.AsSpan(j * k, k));
            return;
        }
        for (int i = 0; i < m; i += 4) MatMulBlock(a, i, m, k, b, n, y);
    }

    /// <summary>Rows i..i+3 (clamped to the last row, so every row sees identical arithmetic) of a·B, B [K,N].</summary>
    static void MatMulBlock(float[] a, int i, int m, int k, float[] b, int n, float[] y)
    {
        int r0 = i * k, r1 = Math.Min(i + 1, m - 1) * k, r2 = Math.Min(i + 2, m - 1) * k, r3 = Math.Min(i + 3, m - 1) * k;
        int valid = Math.Min(4, m - i), nv = n - n % Vector256<float>.Count;
        ref float ra = ref MemoryMarshal.GetArrayDataReference(a);
        ref float rb = ref MemoryMarshal.GetArrayDataReference(b);
        Span<Vector256<float>> acc = stackalloc Vector256<float>[4];
        for (int j = 0; j < nv; j += Vector256<float>.Count)
        {
            Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default;
            for (int p = 0; p < k; p++)
            {
                var bv = Vector256.LoadUnsafe(ref rb, (nuint)(p * n + j));
                c0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref ra, r0 + p)), bv, c0);
                c1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref ra, r1 + p)), bv, c1);
                c2 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref ra, r2 + p)), bv, c2);
                c3 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref ra, r3 + p)), bv, c3);
            }
            acc[0] = c0; acc[1] = c1; acc[2] = c2; acc[3] = c3;
            for (int t = 0; t < valid; t++) acc[t].CopyTo(y.AsSpan((i + t) * n + j, Vector256<float>.Count));
        }
        for (int j = nv; j < n; j++)
            for (int t = 0; t < valid; t++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++) sum = MathF.FusedMultiplyAdd(a[(i + t) * k + p], b[p * n + j], sum);
                y[(i + t) * n + j] = sum;
            }
    }

    public static float[] Transpose(float[] x, int rows, int cols)
    {
        var t = new float[x.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[c * rows + r] = x[r * cols + c];
        return t;
    }

    public static OnnxTensor Flatten(OnnxTensor x, int axis)
    {
        if (axis < 0) axis += x.Rank;
        if (axis < 0 || axis > x.Rank) throw new InvalidOperationException($"Flatten axis {axis} is out of range for a rank-{x.Rank} input.");
        int outer = 1, inner = 1;
        for (int d = 0; d < x.Rank; d++) if (d < axis) outer *= x.Shape[d]; else inner *= x.Shape[d];
        return new OnnxTensor([outer, inner], x.Data);
    }

    public static OnnxTensor Concat(IReadOnlyList<OnnxTensor> xs, int axis)
    {
        int rank = xs[0].Rank;
        if (axis < 0) axis += rank;
        if (axis < 0 || axis >= rank) throw new InvalidOperationException($"Concat axis {axis} is out of range for rank {rank}.");
        var shape = (int[])xs[0].Shape.Clone();
        shape[axis] = 0;
        foreach (var x in xs)
        {
            if (x.Rank != rank) throw new InvalidOperationException("Concat inputs have different ranks.");
            for (int d = 0; d < rank; d++)
                if (d != axis && x.Shape[d] != shape[d]) throw new InvalidOperationException($"Concat input {x.ShapeText} does not match the others outside axis {axis}.");
            shape[axis] += x.Shape[axis];
        }
        int outer = 1, inner = 1;
        for (int d = 0; d < axis; d++) outer *= shape[d];
        for (int d = axis + 1; d < rank; d++) inner *= shape[d];
        var y = new float[Count(shape)];
        int offset = 0;
        for (int o = 0; o < outer; o++)
            foreach (var x in xs)
            {
                int len = x.Shape[axis] * inner;
                x.Data.AsSpan(o * len, len).CopyTo(y.AsSpan(offset, len));
                offset += len;
            }
        return new OnnxTensor(shape, y);
    }
}
