namespace SbiFit.Physics.Kinematics;

/// <summary>
/// Lorentz four-vector (E, p_x, p_y, p_z) in GeV with metric (+,−,−,−). A value type so that hot loops do not allocate.
/// </summary>
public readonly record struct FourVector(double E, double Px, double Py, double Pz)
{
    /// <summary>Four-vector of a particle of mass <paramref name="mass"/> with three-momentum <paramref name="p"/>.</summary>
    public static FourVector FromMomentum(in Vec3 p, double mass) =>
        new(Math.Sqrt(p.Norm2 + mass * mass), p.X, p.Y, p.Z);

    /// <summary>Three-momentum part.</summary>
    public Vec3 P3 => new(Px, Py, Pz);

    /// <summary>Sum of four-vectors.</summary>
    public static FourVector operator +(in FourVector a, in FourVector b) =>
        new(a.E + b.E, a.Px + b.Px, a.Py + b.Py, a.Pz + b.Pz);

    /// <summary>Difference of four-vectors.</summary>
    public static FourVector operator -(in FourVector a, in FourVector b) =>
        new(a.E - b.E, a.Px - b.Px, a.Py - b.Py, a.Pz - b.Pz);

    /// <summary>Scaling of all four components.</summary>
    public static FourVector operator *(double s, in FourVector a) => new(s * a.E, s * a.Px, s * a.Py, s * a.Pz);

    /// <summary>Scaling of all four components.</summary>
    public static FourVector operator *(in FourVector a, double s) => s * a;

    /// <summary>Minkowski product a·b = E_a E_b − p⃗_a·p⃗_b.</summary>
    public double Dot(in FourVector b) => E * b.E - Px * b.Px - Py * b.Py - Pz * b.Pz;

    /// <summary>Invariant mass squared.</summary>
    public double M2 => E * E - Px * Px - Py * Py - Pz * Pz;

    /// <summary>Invariant mass; negative √(−M²) for space-like vectors (ROOT convention).</summary>
    public double Mass
    {
        get
        {
            double m2 = M2;
            return m2 >= 0 ? Math.Sqrt(m2) : -Math.Sqrt(-m2);
        }
    }

    /// <summary>Magnitude of the three-momentum.</summary>
    public double P => Math.Sqrt(Px * Px + Py * Py + Pz * Pz);

    /// <summary>Transverse momentum with respect to the z (beam) axis.</summary>
    public double Pt => Math.Sqrt(Px * Px + Py * Py);

    /// <summary>Pseudorapidity −ln tan(θ/2) = asinh(p_z/p_T).</summary>
    public double Eta => Math.Asinh(Pz / Pt);

    /// <summary>Azimuth atan2(p_y, p_x) in (−π, π].</summary>
    public double Phi => Math.Atan2(Py, Px);

    /// <summary>
    /// Pure boost by velocity <paramref name="beta"/> (|β| &lt; 1): a particle at rest ends up moving with β.
    /// </summary>
    public FourVector Boost(in Vec3 beta)
    {
        double b2 = beta.Norm2;
        if (b2 == 0) return this;
        if (!(b2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta), $"boost velocity |beta|^2 = {b2} must be below 1");
        double gamma = 1.0 / Math.Sqrt((1 - b2));
        double bp = beta.X * Px + beta.Y * Py + beta.Z * Pz;
        double f = (gamma - 1) * bp / b2 + gamma * E;
        return new FourVector(gamma * (E + bp), Px + f * beta.X, Py + f * beta.Y, Pz + f * beta.Z);
    }

    /// <summary>This vector seen in the rest frame of <paramref name="frame"/> (pure boost by −p⃗/E of the frame).</summary>
    public FourVector ToRestFrameOf(in FourVector frame) => ToRestFrameOf(frame, Math.Sqrt(frame.M2));

    /// <summary>
    /// This vector seen in the rest frame of <paramref name="frame"/> whose mass is known to be <paramref name="frameMass"/>.
    /// Written with E and m of the frame instead of γ = 1/√(1−β²), which keeps full precision for large boosts.
    /// </summary>
    public FourVector ToRestFrameOf(in FourVector frame, double frameMass)
    {
        double pp = Px * frame.Px + Py * frame.Py + Pz * frame.Pz;
        double f = pp / (frameMass * (frame.E + frameMass)) - E / frameMass;
        return new FourVector((E * frame.E - pp) / frameMass, Px + f * frame.Px, Py + f * frame.Py, Pz + f * frame.Pz);
    }

    /// <summary>
    /// Inverse of <see cref="ToRestFrameOf(in FourVector, double)"/>: this vector is given in the rest frame of a particle
    /// that has four-momentum <paramref name="frame"/> (mass <paramref name="frameMass"/>) in the target frame.
    /// </summary>
    public FourVector FromRestFrameOf(in FourVector frame, double frameMass)
    {
        double pp = Px * frame.Px + Py * frame.Py + Pz * frame.Pz;
        double f = pp / (frameMass * (frame.E + frameMass)) + E / frameMass;
        return new FourVector((E * frame.E + pp) / frameMass, Px + f * frame.Px, Py + f * frame.Py, Pz + f * frame.Pz);
    }

    /// <summary>Same as <see cref="FromRestFrameOf(in FourVector, double)"/> with the frame mass taken from the vector.</summary>
    public FourVector FromRestFrameOf(in FourVector frame) => FromRestFrameOf(frame, Math.Sqrt(frame.M2));
}
