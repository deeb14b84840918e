namespace SbiFit.Physics.Kinematics;

/// <summary>Proper rotation of three-space as a row-major 3×3 orthogonal matrix (active rotation of vectors).</summary>
public readonly struct Rotation3
{
    private readonly double _xx, _xy, _xz, _yx, _yy, _yz, _zx, _zy, _zz;

    private Rotation3(double xx, double xy, double xz, double yx, double yy, double yz, double zx, double zy, double zz)
    {
        _xx = xx; _xy = xy; _xz = xz;
        _yx = yx; _yy = yy; _yz = yz;
        _zx = zx; _zy = zy; _zz = zz;
    }

    /// <summary>The identity rotation.</summary>
    public static Rotation3 Identity => new(1, 0, 0, 0, 1, 0, 0, 0, 1);

    /// <summary>Right-handed rotation by <paramref name="angle"/> (rad) about <paramref name="axis"/> (any length &gt; 0).</summary>
    public static Rotation3 AboutAxis(in Vec3 axis, double angle)
    {
        double n = axis.Norm;
        if (!(n > 0) || double.IsInfinity(n)) throw new ArgumentException("rotation axis must be a finite non-zero vector", nameof(axis));
        double x = axis.X / n, y = axis.Y / n, z = axis.Z / n;
        var (s, c) = Math.SinCos(angle);
        double t = 1 - c;
        return new Rotation3(
            c + x * x * t, x * y * t - z * s, x * z * t + y * s,
            y * x * t + z * s, c + y * y * t, y * z * t - x * s,
            z * x * t - y * s, z * y * t + x * s, c + z * z * t);
    }

    /// <summary>Rotation from a unit quaternion (w, x, y, z).</summary>
    private static Rotation3 FromQuaternion(double w, double x, double y, double z) => new(
        1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
        2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
        2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y));

    /// <summary>Uniformly distributed (Haar-measure) random rotation, from Shoemake's uniform unit quaternion.</summary>
    public static Rotation3 RandomIsotropic(Rng rng)
    {
        double u1 = rng.NextDouble(), u2 = rng.NextDouble(), u3 = rng.NextDouble();
        double a = Math.Sqrt(1 - u1), b = Math.Sqrt(u1);
        var (s2, c2) = Math.SinCos(2 * Math.PI * u2);
        var (s3, c3) = Math.SinCos(2 * Math.PI * u3);
        return FromQuaternion(b * c3, a * s2, a * c2, b * s3);
    }

    /// <summary>The rotated vector R·v.</summary>
    public Vec3 Apply(in Vec3 v) => new(
        _xx * v.X + _xy * v.Y + _xz * v.Z,
        _yx * v.X + _yy * v.Y + _yz * v.Z,
        _zx * v.X + _zy * v.Y + _zz * v.Z);

    /// <summary>Rotates the three-momentum of <paramref name="p"/>; the energy is unchanged.</summary>
    public FourVector Apply(in FourVector p) => new(
        p.E,
        _xx * p.Px + _xy * p.Py + _xz * p.Pz,
        _yx * p.Px + _yy * p.Py + _yz * p.Pz,
        _zx * p.Px + _zy * p.Py + _zz * p.Pz);

    /// <summary>The inverse rotation (transpose).</summary>
    public Rotation3 Inverse() => new(_xx, _yx, _zx, _xy, _yy, _zy, _xz, _yz, _zz);

    /// <summary>Composition: (a * b)·v = a·(b·v).</summary>
    public static Rotation3 operator *(in Rotation3 a, in Rotation3 b) => new(
        a._xx * b._xx + a._xy * b._yx + a._xz * b._zx, a._xx * b._xy + a._xy * b._yy + a._xz * b._zy, a._xx * b._xz + a._xy * b._yz + a._xz * b._zz,
        a._yx * b._xx + a._yy * b._yx + a._yz * b._zx, a._yx * b._xy + a._yy * b._yy + a._yz * b._zy, a._yx * b._xz + a._yy * b._yz + a._yz * b._zz,
        a._zx * b._xx + a._zy * b._yx + a._zz * b._zx, a._zx * b._xy + a._zy * b._yy + a._zz * b._zy, a._zx * b._xz + a._zy * b._yz + a._zz * b._zz);
}
