namespace SbiFit.Physics.Kinematics;

/// <summary>Cartesian three-vector in double precision (momentum in GeV, position in mm or velocity in units of c).</summary>
public readonly record struct Vec3(double X, double Y, double Z)
{
    /// <summary>The zero vector.</summary>
    public static Vec3 Zero => default;

    /// <summary>Component-wise sum.</summary>
    public static Vec3 operator +(in Vec3 a, in Vec3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    /// <summary>Component-wise difference.</summary>
    public static Vec3 operator -(in Vec3 a, in Vec3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    /// <summary>Negation.</summary>
    public static Vec3 operator -(in Vec3 a) => new(-a.X, -a.Y, -a.Z);

    /// <summary>Scaling by a number.</summary>
    public static Vec3 operator *(double s, in Vec3 a) => new(s * a.X, s * a.Y, s * a.Z);

    /// <summary>Scaling by a number.</summary>
    public static Vec3 operator *(in Vec3 a, double s) => new(s * a.X, s * a.Y, s * a.Z);

    /// <summary>Euclidean scalar product.</summary>
    public double Dot(in Vec3 b) => X * b.X + Y * b.Y + Z * b.Z;

    /// <summary>Vector product this × b.</summary>
    public Vec3 Cross(in Vec3 b) => new(Y * b.Z - Z * b.Y, Z * b.X - X * b.Z, X * b.Y - Y * b.X);

    /// <summary>Squared length.</summary>
    public double Norm2 => X * X + Y * Y + Z * Z;

    /// <summary>Length.</summary>
    public double Norm => Math.Sqrt(X * X + Y * Y + Z * Z);

    /// <summary>Unit vector along this one (NaN components for the zero vector).</summary>
    public Vec3 Unit()
    {
        double inv = 1.0 / Norm;
        return new Vec3(X * inv, Y * inv, Z * inv);
    }
}
