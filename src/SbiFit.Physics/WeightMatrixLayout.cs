using System.Numerics;

namespace SbiFit.Physics;

/// <summary>
/// Storage layout of the per-event Hermitian 5×5 matrix W(x)/W₀₀(x) (physics-reference §6.2) in the WC basis
/// c = (1+V_L, V_R, S_L, S_R, T_L). It is stored as 25 real numbers: the real parts of the upper triangle
/// including the diagonal (15 values, row by row: 00, 01, 02, 03, 04, 11, 12, …, 44) followed by the imaginary
/// parts of the strict upper triangle (10 values: 01, 02, 03, 04, 12, …, 34). Column names are
/// <c>w_re_ij</c> and <c>w_im_ij</c>. The weight for coefficients c is Σ_ij c_i c_j* W_ij.
/// </summary>
public static class WeightMatrixLayout
{
    /// <summary>Dimension of the WC vector.</summary>
    public const int Dim = 5;

    /// <summary>Number of stored real numbers per event.</summary>
    public const int PackedLength = 25;

    /// <summary>Column names in storage order.</summary>
    public static IReadOnlyList<string> ColumnNames { get; } = BuildNames();

    private static string[] BuildNames()
    {
        var names = new List<string>(PackedLength);
        for (int i = 0; i < Dim; i++)
            for (int j = i; j < Dim; j++)
                names.Add($"w_re_{i}{j}");
        for (int i = 0; i < Dim; i++)
            for (int j = i + 1; j < Dim; j++)
                names.Add($"w_im_{i}{j}");
        return names.ToArray();
    }

    /// <summary>Index of Re W_ij (i ≤ j) in the packed array.</summary>
    public static int ReIndex(int i, int j)
    {
        if (i > j) (i, j) = (j, i);
        return i * Dim - i * (i - 1) / 2 + (j - i);
    }

    /// <summary>Index of Im W_ij (i &lt; j) in the packed array.</summary>
    public static int ImIndex(int i, int j)
    {
        if (i >= j) throw new ArgumentException("Imaginary parts are stored for i < j only.");
        return 15 + i * (Dim - 1) - i * (i - 1) / 2 + (j - i - 1);
    }

    /// <summary>Packs a full Hermitian matrix (row-major, 25 complex numbers) into the storage layout.</summary>
    public static void Pack(ReadOnlySpan<Complex> full, Span<double> packed)
    {
        for (int i = 0; i < Dim; i++)
            for (int j = i; j < Dim; j++)
            {
                packed[ReIndex(i, j)] = full[i * Dim + j].Real;
                if (j > i) packed[ImIndex(i, j)] = full[i * Dim + j].Imaginary;
            }
    }

    /// <summary>Unpacks into a full Hermitian matrix (row-major).</summary>
    public static void Unpack(ReadOnlySpan<double> packed, Span<Complex> full)
    {
        for (int i = 0; i < Dim; i++)
        {
            full[i * Dim + i] = new Complex(packed[ReIndex(i, i)], 0);
            for (int j = i + 1; j < Dim; j++)
            {
                var w = new Complex(packed[ReIndex(i, j)], packed[ImIndex(i, j)]);
                full[i * Dim + j] = w;
                full[j * Dim + i] = Complex.Conjugate(w);
            }
        }
    }

    /// <summary>Σ_ij c_i c_j* W_ij for one packed matrix (real because W is Hermitian).</summary>
    public static double Contract(ReadOnlySpan<double> packed, ReadOnlySpan<Complex> c)
    {
        double sum = 0;
        for (int i = 0; i < Dim; i++)
        {
            sum += packed[ReIndex(i, i)] * (c[i].Real * c[i].Real + c[i].Imaginary * c[i].Imaginary);
            for (int j = i + 1; j < Dim; j++)
            {
                // c_i c_j* W_ij + c_j c_i* W_ji = 2 Re(c_i c_j* W_ij)
                var cc = c[i] * Complex.Conjugate(c[j]);
                sum += 2.0 * (cc.Real * packed[ReIndex(i, j)] - cc.Imaginary * packed[ImIndex(i, j)]);
            }
        }
        return sum;
    }

    /// <summary>
    /// Coefficients of the contraction as a real linear form: weight = Σ_k a_k · packed_k. Precomputing a once per c
    /// turns reweighting of N events into N dot products of length 25.
    /// </summary>
    public static double[] LinearForm(ReadOnlySpan<Complex> c)
    {
        var a = new double[PackedLength];
        for (int i = 0; i < Dim; i++)
        {
            a[ReIndex(i, i)] = c[i].Real * c[i].Real + c[i].Imaginary * c[i].Imaginary;
            for (int j = i + 1; j < Dim; j++)
            {
                var cc = c[i] * Complex.Conjugate(c[j]);
                a[ReIndex(i, j)] = 2.0 * cc.Real;
                a[ImIndex(i, j)] = -2.0 * cc.Imaginary;
            }
        }
        return a;
    }
}
