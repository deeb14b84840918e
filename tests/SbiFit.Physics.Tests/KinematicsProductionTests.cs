using SbiFit.Physics;
using SbiFit.Physics.Kinematics;

namespace SbiFit.Physics.Tests;

public class KinematicsProductionTests
{
    private static double AnalyticPtMoment(BProductionSpectrum s, int power)
    {
        // Simpson integration of p_T^power · p_T/[1+(p_T/p0)^2]^n over [0, ptMax].
        const int m = 200000;
        double h = s.PtMax / m, num = 0, den = 0;
        for (int i = 0; i <= m; i++)
        {
            double x = i * h, w = i == 0 || i == m ? 1 : (i % 2 == 1 ? 4 : 2);
            double f = x / Math.Pow(1 + (x / s.P0) * (x / s.P0), s.N);
            num += w * f * Math.Pow(x, power);
            den += w * f;
        }
        return num / den;
    }

    [Fact]
    public void PtSpectrumMatchesAnalyticFormAndFonllSummaries()
    {
        var s = BProductionSpectrum.Default;
        var rng = new Rng(21, 0);
        const int n = 100000;
        var pts = new double[n];
        double sum = 0, sum2 = 0;
        for (int i = 0; i < n; i++) { pts[i] = s.SamplePt(rng); sum += pts[i]; sum2 += pts[i] * pts[i]; }
        double mean = sum / n, sd = Math.Sqrt(sum2 / n - mean * mean);
        double analyticMean = AnalyticPtMoment(s, 1);
        Assert.InRange(mean - analyticMean, -4 * sd / Math.Sqrt(n), 4 * sd / Math.Sqrt(n));
        Array.Sort(pts);
        double median = pts[n / 2];
        double analyticMedian = s.P0 * Math.Sqrt(Math.Pow(2, 1 / (s.N - 1)) - 1);
        Assert.Equal(0.5, s.PtCdf(analyticMedian), 1e-3); // truncation at 100 GeV shifts it by 1e-4
        Assert.InRange(median, analyticMedian - 0.05, analyticMedian + 0.05);
        // The analytic fit versus the FONLL histogram of §8.1 (mean 5.32, median 4.12): agreement to a few per cent.
        Assert.InRange(analyticMean, 5.32 * 0.97, 5.32 * 1.05);
        Assert.InRange(analyticMedian, 4.12 * 0.97, 4.12 * 1.04);
        Assert.InRange(pts[(int)(0.9 * n)], 10.4 * 0.95, 10.4 * 1.05);
        Assert.True(pts[0] >= 0 && pts[^1] <= 100);
        // First 1-GeV bin fractions of §8.1 (fit reproduces the histogram to 1.6 % of the peak height).
        double[] fonll = { 0.0498, 0.1252, 0.1532, 0.1467, 0.1236 };
        for (int b = 0; b < fonll.Length; b++)
            Assert.InRange(s.PtCdf(b + 1) - s.PtCdf(b), fonll[b] - 0.01, fonll[b] + 0.01);
    }

    [Fact]
    public void EtaFractionsFollowTable()
    {
        double[] table = { 0.0635, 0.0658, 0.0787, 0.0682, 0.0680, 0.0670, 0.0758, 0.0623, 0.0592, 0.0557,
            0.0601, 0.0471, 0.0428, 0.0384, 0.0396, 0.0289, 0.0248, 0.0209, 0.0198, 0.0135 };
        double total = table.Sum();
        var s = BProductionSpectrum.Default;
        var rng = new Rng(22, 0);
        const int n = 100000;
        var counts = new int[20];
        for (int i = 0; i < n; i++)
        {
            double eta = s.SampleEta(rng);
            Assert.InRange(eta, 1.0, 6.0);
            counts[Math.Min(19, (int)((eta - 1) / 0.25))]++;
        }
        for (int b = 0; b < 20; b++)
        {
            double p = table[b] / total, sigma = Math.Sqrt(p * (1 - p) / n);
            Assert.InRange(counts[b] / (double)n - p, -4.5 * sigma, 4.5 * sigma);
        }

        // Restricted range: only [2, 5] is produced, with the table's relative weights.
        var r = new BProductionSpectrum(etaMin: 2.1, etaMax: 4.9);
        int below3 = 0;
        for (int i = 0; i < 20000; i++)
        {
            double eta = r.SampleEta(rng);
            Assert.InRange(eta, 2.1, 4.9);
            if (eta < 3) below3++;
        }
        double expected = (0.6 * table[4] + table[5] + table[6] + table[7]) /
            (0.6 * table[4] + table.Skip(5).Take(10).Sum() + 0.6 * table[15]);
        Assert.InRange(below3 / 20000.0, expected - 0.015, expected + 0.015);
        Assert.Throws<ArgumentOutOfRangeException>(() => new BProductionSpectrum(etaMin: 0.5));
    }

    [Fact]
    public void MomentumPvAndFlightFollowTheirDefinitions()
    {
        var s = BProductionSpectrum.Default;
        var rng = new Rng(23, 0);
        const int n = 50000;
        double sumL = 0, sumZ = 0, sumZ2 = 0, sumX2 = 0;
        for (int i = 0; i < n; i++)
        {
            Vec3 p = s.SampleMomentum(rng, out double pt, out double eta);
            var fv = FourVector.FromMomentum(p, 5.27966);
            Assert.Equal(pt, fv.Pt, 1e-9);
            Assert.Equal(eta, fv.Eta, 1e-9);
            Vec3 flight = BProductionSpectrum.SampleFlight(p, rng);
            Assert.Equal(1.0, flight.Unit().Dot(p.Unit()), 1e-12);
            sumL += flight.Norm / (p.Norm / 5.27966); // proper decay length c·t
            Vec3 pv = s.SamplePrimaryVertex(rng);
            sumZ += pv.Z; sumZ2 += pv.Z * pv.Z; sumX2 += pv.X * pv.X;
        }
        Assert.InRange(sumL / n, 0.4548 * (1 - 4 / Math.Sqrt(n)), 0.4548 * (1 + 4 / Math.Sqrt(n)));
        Assert.InRange(Math.Sqrt(sumZ2 / n), 60 * 0.98, 60 * 1.02);
        Assert.InRange(Math.Sqrt(sumX2 / n), 0.035 * 0.98, 0.035 * 1.02);
    }
}
