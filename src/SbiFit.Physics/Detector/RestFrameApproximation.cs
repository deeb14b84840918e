using SbiFit.Physics.Kinematics;

namespace SbiFit.Physics.Detector;

/// <summary>
/// Rest-frame approximation for the B momentum (physics-reference §8.4, LHCb arXiv:1506.08614): the visible system
/// Y = D*μ has the same proper velocity along the beam axis as the B, (p_B)_z = (m_B/m_Y)(p_Y)_z, and the B flies along
/// the PV→SV direction n̂: |p⃗_B| = (p_B)_z / cos θ_B.
/// </summary>
public static class RestFrameApproximation
{
    /// <summary>
    /// Estimated B four-momentum from the visible four-momentum <paramref name="pY"/> and the flight direction
    /// <paramref name="flight"/> (any length). Returns false if the estimate does not exist (flight not forward,
    /// non-positive visible mass or non-finite result).
    /// </summary>
    public static bool TryEstimate(in FourVector pY, in Vec3 flight, double mB, out FourVector pB)
    {
        double len = flight.Norm;
        double m2Y = pY.M2;
        if (!(len > 0) || !(flight.Z > 0) || !(m2Y > 0))
        {
            pB = default;
            return false;
        }
        double cosTheta = flight.Z / len;
        double pBz = mB / Math.Sqrt(m2Y) * pY.Pz;
        double pAbs = pBz / cosTheta;
        if (!(pAbs > 0) || !double.IsFinite(pAbs))
        {
            pB = default;
            return false;
        }
        pB = FourVector.FromMomentum((pAbs / len) * flight, mB);
        return true;
    }
}
