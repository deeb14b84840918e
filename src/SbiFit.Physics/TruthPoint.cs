namespace SbiFit.Physics;

/// <summary>
/// A point of the four-fold decay phase space in the conventions of physics-reference §2:
/// q² in GeV², cos θ_D, cos θ_ℓ and χ in (−π, π].
/// </summary>
public readonly record struct TruthPoint(double Q2, double CosThetaD, double CosThetaL, double Chi);
