namespace SbiFit.Data;

/// <summary>Column names that form the contract between the generator and the rest of SbiFit.</summary>
public static class EventSchema
{
    /// <summary>Reconstructed q² [GeV²].</summary>
    public const string Q2 = "q2";
    /// <summary>Reconstructed cos θ_D.</summary>
    public const string CosThetaD = "cos_theta_d";
    /// <summary>Reconstructed cos θ_ℓ.</summary>
    public const string CosThetaL = "cos_theta_l";
    /// <summary>Reconstructed χ [rad].</summary>
    public const string Chi = "chi";
    /// <summary>Reconstructed missing mass squared [GeV²].</summary>
    public const string M2Miss = "m2_miss";
    /// <summary>Muon energy in the (estimated) B rest frame [GeV].</summary>
    public const string EMuStar = "e_mu_star";
    /// <summary>True q².</summary>
    public const string TrueQ2 = "true_q2";
    /// <summary>True cos θ_D.</summary>
    public const string TrueCosThetaD = "true_cos_theta_d";
    /// <summary>True cos θ_ℓ.</summary>
    public const string TrueCosThetaL = "true_cos_theta_l";
    /// <summary>True χ.</summary>
    public const string TrueChi = "true_chi";
    /// <summary>Event number.</summary>
    public const string EventId = "event_id";
    /// <summary>Per-event weight column added by reweighting.</summary>
    public const string Weight = "weight";
    /// <summary>Prefix of per-event theta columns, e.g. <c>theta_V_R</c>.</summary>
    public const string ThetaPrefix = "theta_";

    /// <summary>The five reconstructed observables, in the default feature order.</summary>
    public static IReadOnlyList<string> Features { get; } = new[] { Q2, CosThetaD, CosThetaL, Chi, M2Miss };
}
