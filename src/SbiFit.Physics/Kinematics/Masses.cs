using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("SbiFit.Physics.Tests")]

namespace SbiFit.Physics.Kinematics;

/// <summary>
/// The few PDG 2024 inputs of physics-reference §3.6 the kinematics needs (GeV, mm, ps). Kept local to this folder;
/// to be unified with the decay-rate constants later.
/// </summary>
internal static class Masses
{
    public const double B0 = 5.27966;
    public const double DStar = 2.01026;
    public const double D0 = 1.86484;
    public const double Pion = 0.13957039;
    public const double Kaon = 0.493677;
    public const double Muon = 0.1056583755;
    public const double Electron = 0.51099895e-3;
    public const double Tau = 1.77686;

    /// <summary>B⁰ lifetime τ = 1.517 ps.</summary>
    public const double B0LifetimePs = 1.517;

    /// <summary>c·τ(B⁰) in mm (c = 0.299792458 mm/ps).</summary>
    public const double B0CTauMm = B0LifetimePs * 0.299792458;
}
