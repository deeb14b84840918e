using SbiFit.Physics;
using SbiFit.Physics.Kinematics;

namespace SbiFit.Physics.Tests;

public class KinematicsFourVectorTests
{
    [Fact]
    public void BasicQuantities()
    {
        var p = new FourVector(10, 3, 4, 5);
        Assert.Equal(100 - 50, p.M2, 1e-12);
        Assert.Equal(Math.Sqrt(50), p.Mass, 1e-12);
        Assert.Equal(Math.Sqrt(50), p.P, 1e-12);
        Assert.Equal(5, p.Pt, 1e-12);
        Assert.Equal(Math.Atan2(4, 3), p.Phi, 1e-12);
        double theta = Math.Atan2(5, 5);
        Assert.Equal(-Math.Log(Math.Tan(theta / 2)), p.Eta, 1e-12);
        Assert.Equal(10 * 2 - 3 - 8 - 15, p.Dot(new FourVector(2, 1, 2, 3)), 1e-12);
        Assert.Equal(new FourVector(12, 4, 6, 8), p + new FourVector(2, 1, 2, 3));
        Assert.Equal(new FourVector(20, 6, 8, 10), 2 * p);
        Assert.True(new FourVector(1, 2, 0, 0).Mass < 0);
    }

    [Fact]
    public void VelocityBoostAgreesWithRestFrameBoostsAndPreservesInvariants()
    {
        var rng = new Rng(3, 0);
        for (int i = 0; i < 500; i++)
        {
            var frame = FourVector.FromMomentum(new Vec3(rng.Uniform(-50, 50), rng.Uniform(-50, 50), rng.Uniform(-50, 50)), rng.Uniform(0.1, 6));
            var p = FourVector.FromMomentum(new Vec3(rng.Uniform(-5, 5), rng.Uniform(-5, 5), rng.Uniform(-5, 5)), rng.Uniform(0, 2));
            FourVector viaVelocity = p.Boost(-(1.0 / frame.E) * frame.P3);
            FourVector viaFrame = p.ToRestFrameOf(frame);
            Assert.Equal(viaFrame.E, viaVelocity.E, 1e-9 * frame.E);
            Assert.Equal(viaFrame.Pz, viaVelocity.Pz, 1e-9 * frame.E);
            Assert.Equal(p.M2, viaFrame.M2, 1e-9 * frame.E);
            FourVector back = viaFrame.FromRestFrameOf(frame);
            Assert.Equal(p.E, back.E, 1e-10 * frame.E);
            Assert.Equal(p.Px, back.Px, 1e-10 * frame.E);
            // The frame itself is at rest in its own rest frame.
            FourVector rest = frame.ToRestFrameOf(frame);
            Assert.Equal(frame.Mass, rest.E, 1e-9 * frame.E);
            Assert.Equal(0, rest.P, 1e-9 * frame.E);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new FourVector(1, 0, 0, 0).Boost(new Vec3(1, 0, 0)));
    }

    [Fact]
    public void RotationsAreOrthogonalAndAxisRotationIsRightHanded()
    {
        var rz = Rotation3.AboutAxis(new Vec3(0, 0, 2), Math.PI / 2);
        Vec3 x = rz.Apply(new Vec3(1, 0, 0));
        Assert.Equal(0, x.X, 1e-15);
        Assert.Equal(1, x.Y, 1e-15);
        var rng = new Rng(11, 0);
        for (int i = 0; i < 200; i++)
        {
            var r = Rotation3.RandomIsotropic(rng);
            var v = new Vec3(rng.NextGaussian(), rng.NextGaussian(), rng.NextGaussian());
            var w = new Vec3(rng.NextGaussian(), rng.NextGaussian(), rng.NextGaussian());
            Assert.Equal(v.Dot(w), r.Apply(v).Dot(r.Apply(w)), 1e-12);
            Assert.Equal(v.Cross(w).Dot(new Vec3(1, 1, 1)), r.Apply(v).Cross(r.Apply(w)).Dot(r.Apply(new Vec3(1, 1, 1))), 1e-12);
            Vec3 back = r.Inverse().Apply(r.Apply(v));
            Assert.Equal(v.X, back.X, 1e-12);
            Vec3 composed = (r * rz).Apply(v), sequential = r.Apply(rz.Apply(v));
            Assert.Equal(sequential.Z, composed.Z, 1e-12);
        }
    }

    [Fact]
    public void RandomRotationIsIsotropic()
    {
        // R·ẑ must be uniform on the sphere: <n> = 0, <n_z²> = 1/3, and cos θ uniform.
        var rng = new Rng(12, 0);
        const int n = 40000;
        double sx = 0, sy = 0, sz = 0, szz = 0;
        for (int i = 0; i < n; i++)
        {
            Vec3 d = Rotation3.RandomIsotropic(rng).Apply(new Vec3(0, 0, 1));
            sx += d.X; sy += d.Y; sz += d.Z; szz += d.Z * d.Z;
        }
        double tol = 4 * Math.Sqrt(1.0 / 3 / n);
        Assert.InRange(sx / n, -tol, tol);
        Assert.InRange(sy / n, -tol, tol);
        Assert.InRange(sz / n, -tol, tol);
        Assert.InRange(szz / n - 1.0 / 3, -4 * Math.Sqrt(4.0 / 45 / n), 4 * Math.Sqrt(4.0 / 45 / n));
    }

    [Fact]
    public void D0DecayConservesMomentumAndIsIsotropic()
    {
        var rng = new Rng(13, 0);
        var pD = FourVector.FromMomentum(new Vec3(1, -2, 40), 1.86484);
        double sumCos = 0;
        const int n = 20000;
        for (int i = 0; i < n; i++)
        {
            var (k, pi) = DecayChainBuilder.DecayD0(pD, rng);
            FourVector sum = k + pi;
            Assert.Equal(pD.E, sum.E, 1e-10);
            Assert.Equal(pD.Pz, sum.Pz, 1e-10);
            Assert.Equal(0.493677, k.Mass, 1e-6);
            sumCos += k.ToRestFrameOf(pD).P3.Unit().Dot(pD.P3.Unit());
        }
        Assert.InRange(sumCos / n, -4 / Math.Sqrt(3.0 * n), 4 / Math.Sqrt(3.0 * n));
    }
}
