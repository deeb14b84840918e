using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("SbiFit.Physics.Tests")]

namespace SbiFit.Physics.Kinematics;

/// <summary>
/// Short aliases for the PDG 2024 inputs the kinematics needs (GeV, mm, ps); the values live in
/// <see cref="PhysicsConstants"/> so that rates and kinematics can never disagree.
/// </summary>
internal static class Masses
{
    public const double B0 = PhysicsConstants.MassB0;
    public const double DStar = PhysicsConstants.MassDstar;
    public const double D0 = PhysicsConstants.MassD0;
    public const double Pion = PhysicsConstants.MassPion;
    public const double Kaon = PhysicsConstants.MassKaon;
    public const double Muon = PhysicsConstants.MassMuon;
    public const double Electron = PhysicsConstants.MassElectron;
    public const double Tau = PhysicsConstants.MassTau;

    /// <summary>B⁰ lifetime τ = 1.517 ps.</summary>
    public const double B0LifetimePs = PhysicsConstants.LifetimeB0 * 1e12;

    /// <summary>c·τ(B⁰) in mm (c = 0.299792458 mm/ps).</summary>
    public const double B0CTauMm = B0LifetimePs * 0.299792458;
}
