using SbiFit.Physics.Kinematics;

namespace SbiFit.Physics.Detector;

/// <summary>True lab-frame information of one signal event, the input of <see cref="Reconstruction"/>.</summary>
/// <param name="B">True B four-momentum.</param>
/// <param name="Kaon">K⁺ from the D̄⁰.</param>
/// <param name="PionFromD">π⁻ from the D̄⁰.</param>
/// <param name="SoftPion">Soft π⁻ from the D*⁻.</param>
/// <param name="Muon">μ⁺.</param>
/// <param name="PrimaryVertex">True PV [mm].</param>
/// <param name="DecayVertex">True B decay vertex (SV) [mm].</param>
public readonly record struct TrueEvent(
    FourVector B, FourVector Kaon, FourVector PionFromD, FourVector SoftPion, FourVector Muon,
    Vec3 PrimaryVertex, Vec3 DecayVertex);

/// <summary>Reconstructed observables of one event (angles with the §2.3 recipe on the estimated B momentum).</summary>
/// <param name="Point">Reconstructed (q², cos θ_D, cos θ_ℓ, χ).</param>
/// <param name="M2Miss">Reconstructed M²_miss [GeV²].</param>
/// <param name="EMuStar">Muon energy in the estimated B rest frame [GeV].</param>
/// <param name="BMomentum">Estimated B four-momentum.</param>
/// <param name="InAcceptance">All visible tracks inside the geometric acceptance (true when acceptance is off).</param>
/// <param name="PassesSelection">B η range and the momentum cuts are passed.</param>
/// <param name="Valid">The rest-frame estimate exists and every observable is finite.</param>
public readonly record struct RecoResult(
    TruthPoint Point, double M2Miss, double EMuStar, FourVector BMomentum,
    bool InAcceptance, bool PassesSelection, bool Valid)
{
    /// <summary>Acceptance × selection × valid reconstruction.</summary>
    public bool Accepted => InAcceptance && PassesSelection && Valid;
}

/// <summary>
/// LHCb-like fast reconstruction (physics-reference §8.2–8.4): acceptance on true track slopes, Gaussian momentum and slope
/// smearing, PV/SV smearing, B direction from PV→SV, rest-frame B momentum, then the §2.3 recipe. Thread-safe (immutable);
/// all randomness comes from the caller's <see cref="Rng"/>.
/// </summary>
public sealed class Reconstruction
{
    private readonly DetectorConfig _config;
    private readonly double _pvSigmaXy, _pvSigmaZ, _svSigmaXy, _svSigmaZ;

    /// <summary>Creates a reconstruction for <paramref name="config"/> (validated here).</summary>
    public Reconstruction(DetectorConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        (_pvSigmaXy, _pvSigmaZ) = DetectorConfig.VertexResolutionMm(config.PvTracks);
        (_svSigmaXy, _svSigmaZ) = DetectorConfig.VertexResolutionMm(config.SvTracks);
    }

    /// <summary>The configuration in use.</summary>
    public DetectorConfig Config => _config;

    /// <summary>RapidSim LHCb geometric acceptance of one visible track.</summary>
    public bool InAcceptance(in FourVector p)
    {
        if (!(p.Pz > 0)) return false;
        double tx = p.Px / p.Pz, ty = p.Py / p.Pz;
        return Math.Abs(tx) < _config.MaxSlopeX && Math.Abs(ty) < _config.MaxSlopeY
            && tx * tx + ty * ty > _config.MinSlope * _config.MinSlope;
    }

    /// <summary>Gaussian smearing of |p| (table σ_p/p) and of the slopes t_x, t_y; the mass is kept.</summary>
    public FourVector SmearTrack(in FourVector p, double mass, Rng rng)
    {
        double pAbs = p.P;
        double pNew = pAbs * (1 + _config.RelativeResolutionAt(pAbs) * rng.NextGaussian());
        double ms = _config.SlopeResolutionScattering / pAbs;
        double sigmaT = Math.Sqrt(_config.SlopeResolutionConstant * _config.SlopeResolutionConstant + ms * ms);
        double tx = p.Px / p.Pz + sigmaT * rng.NextGaussian();
        double ty = p.Py / p.Pz + sigmaT * rng.NextGaussian();
        double pz = Math.Abs(pNew) / Math.Sqrt(1 + tx * tx + ty * ty) * Math.Sign(p.Pz);
        return FourVector.FromMomentum(new Vec3(tx * pz, ty * pz, pz), mass);
    }

    private static Vec3 SmearVertex(in Vec3 v, double sxy, double sz, Rng rng) =>
        new(v.X + sxy * rng.NextGaussian(), v.Y + sxy * rng.NextGaussian(), v.Z + sz * rng.NextGaussian());

    /// <summary>Reconstructs one event. Smearing draws from <paramref name="rng"/> only for events inside the acceptance.</summary>
    public RecoResult Reconstruct(in TrueEvent ev, Rng rng)
    {
        bool inAcc = !_config.ApplyAcceptance ||
            (InAcceptance(ev.Kaon) && InAcceptance(ev.PionFromD) && InAcceptance(ev.SoftPion) && InAcceptance(ev.Muon));

        FourVector k = ev.Kaon, pi = ev.PionFromD, sPi = ev.SoftPion, mu = ev.Muon;
        Vec3 pv = ev.PrimaryVertex, sv = ev.DecayVertex;
        if (_config.ApplySmearing && inAcc)
        {
            k = SmearTrack(k, Masses.Kaon, rng);
            pi = SmearTrack(pi, Masses.Pion, rng);
            sPi = SmearTrack(sPi, Masses.Pion, rng);
            mu = SmearTrack(mu, Masses.Muon, rng);
            pv = SmearVertex(pv, _pvSigmaXy, _pvSigmaZ, rng);
            sv = SmearVertex(sv, _svSigmaXy, _svSigmaZ, rng);
        }
        Vec3 flight = _config.PerfectDirection ? ev.B.P3 : sv - pv;

        double bEta = ev.B.Eta;
        bool selected = bEta > _config.BEtaMin && bEta < _config.BEtaMax
            && mu.P >= _config.MuonPMin && mu.Pt >= _config.MuonPtMin
            && k.P >= _config.TrackPMin && pi.P >= _config.TrackPMin && sPi.P >= _config.TrackPMin;

        FourVector d = k + pi;
        FourVector y = d + sPi + mu;
        if (!RestFrameApproximation.TryEstimate(y, flight, Masses.B0, out FourVector pB))
            return new RecoResult(new TruthPoint(double.NaN, double.NaN, double.NaN, double.NaN), double.NaN, double.NaN,
                default, inAcc, selected, false);

        FourVector nu = pB - y;
        TruthPoint point = AngleRecipe.Compute(d, sPi, mu, nu);
        double m2Miss = nu.M2;
        double eMu = mu.Dot(pB) / Masses.B0;
        bool valid = double.IsFinite(point.Q2) && double.IsFinite(point.CosThetaD) && double.IsFinite(point.CosThetaL)
            && double.IsFinite(point.Chi) && double.IsFinite(m2Miss) && double.IsFinite(eMu);
        selected = selected && point.Q2 >= _config.Q2RecoMin && point.Q2 <= _config.Q2RecoMax
            && m2Miss >= _config.M2MissMin && m2Miss <= _config.M2MissMax;
        return new RecoResult(point, m2Miss, eMu, pB, inAcc, selected, valid);
    }
}
