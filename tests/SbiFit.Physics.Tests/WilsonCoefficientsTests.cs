using System.Numerics;
using SbiFit.Physics;

namespace SbiFit.Physics.Tests;

public class WilsonCoefficientsTests
{
    [Fact]
    public void ParsesAllNamingSchemes()
    {
        Assert.Equal(new Complex(0.5, 0), WilsonCoefficients.Parse("V_R=0.5").VR);
        var c = WilsonCoefficients.Parse("S_L=0.1+0.2i,T_L=-0.05");
        Assert.Equal(new Complex(0.1, 0.2), c.SL);
        Assert.Equal(new Complex(-0.05, 0), c.TL);
        Assert.Equal(new Complex(0, -0.3), WilsonCoefficients.Parse("V_R=-0.3i").VR);
        var h = WilsonCoefficients.Parse("V_qLlL=0.1, V_qRlL=0.2, S_qLlL=0.3, S_qRlL=0.4, T_qLlL=1e-2-2.5E-3i");
        Assert.Equal(new WilsonCoefficients(0.1, 0.2, 0.3, 0.4, new Complex(0.01, -0.0025)), h);
        var s = WilsonCoefficients.Parse("V_LL=0.1;V_RL=0.2;S_LL=0.3;S_RL=0.4;T_LL=0.5");
        Assert.Equal(new WilsonCoefficients(0.1, 0.2, 0.3, 0.4, 0.5), s);
        Assert.Equal(WilsonCoefficients.Sm, WilsonCoefficients.Parse(""));
        Assert.Equal(WilsonCoefficients.Sm, WilsonCoefficients.Parse("SM"));
        Assert.Equal(new Complex(0, 1), WilsonCoefficients.Parse("T_L=i").TL);
    }

    [Fact]
    public void VectorIsOnePlusVL()
    {
        var v = new WilsonCoefficients(new Complex(0.1, 0.2), 0.3, 0.4, 0.5, 0.6).ToVector();
        Assert.Equal([new Complex(1.1, 0.2), 0.3, 0.4, 0.5, 0.6], v);
        Assert.Equal([Complex.One, 0, 0, 0, 0], WilsonCoefficients.Sm.ToVector());
    }

    [Theory]
    [InlineData("V_R=0.5")]
    [InlineData("V_L=0.2+0.1i,V_R=0.3-0.2i,S_L=0.3,S_R=-0.2+0.5i,T_L=0.25-0.1i")]
    [InlineData("S_R=-0.3i,T_L=1E-05+1E-07i")]
    [InlineData("SM")]
    public void ToStringRoundTrips(string text)
    {
        var c = WilsonCoefficients.Parse(text);
        Assert.Equal(c, WilsonCoefficients.Parse(c.ToString()));
        Assert.Equal(c.ToString(), WilsonCoefficients.Parse(c.ToString()).ToString());
    }

    [Fact]
    public void RoundTripsArbitraryDoubles()
    {
        var rng = new Rng(7);
        for (int n = 0; n < 200; n++)
        {
            Complex R() => new(rng.Uniform(-3, 3) * Math.Pow(10, rng.NextInt(8) - 4), rng.NextInt(3) == 0 ? 0 : rng.Uniform(-1, 1));
            var c = new WilsonCoefficients(R(), R(), R(), R(), R());
            Assert.Equal(c, WilsonCoefficients.Parse(c.ToString()));
        }
    }

    [Theory]
    [InlineData("V_X=0.5", "V_X")]
    [InlineData("V_R=0.5,V_qRlL=0.1", "V_qRlL")]
    [InlineData("V_R=abc", "abc")]
    [InlineData("V_R=0.1+", "0.1+")]
    [InlineData("V_R", "V_R")]
    [InlineData("V_R=", "V_R=")]
    [InlineData("V_R=0.5,,S_L=1", "empty")]
    [InlineData("T_L=NaN", "NaN")]
    [InlineData("S_L=0.1+0.2j", "0.1+0.2j")]
    [InlineData("S_qLlR=0.1", "S_qLlR")]
    public void RejectsBadInputNamingTheToken(string text, string offending)
    {
        var ex = Assert.Throws<FormatException>(() => WilsonCoefficients.Parse(text));
        Assert.Contains(offending, ex.Message);
    }
}
