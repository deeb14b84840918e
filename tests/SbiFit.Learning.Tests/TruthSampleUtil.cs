using SbiFit.Data;
using SbiFit.Physics;

namespace SbiFit.Learning.Tests;

/// <summary>Truth-level SM samples with the packed weight-matrix columns, as `sbifit generate --truth-only` writes them.</summary>
internal static class TruthSampleUtil
{
    internal static readonly string[] TruthFeatures =
        [EventSchema.TrueQ2, EventSchema.TrueCosThetaD, EventSchema.TrueCosThetaL, EventSchema.TrueChi];

    internal static EventTable SmTable(int events, ulong seed)
    {
        var sampler = new SmTruthSampler(Lepton.Muon, FormFactorsCln.Hflav2019);
        var rng = new Rng(seed, 1);
        var cols = new double[4][];
        for (int f = 0; f < 4; f++) cols[f] = new double[events];
        var w = new double[WeightMatrixLayout.PackedLength][];
        for (int k = 0; k < w.Length; k++) w[k] = new double[events];
        Span<double> packed = stackalloc double[WeightMatrixLayout.PackedLength];
        for (int i = 0; i < events; i++)
        {
            var p = sampler.Sample(rng);
            WeightMatrix.Compute(p, Lepton.Muon, FormFactorsCln.Hflav2019, packed);
            cols[0][i] = p.Q2; cols[1][i] = p.CosThetaD; cols[2][i] = p.CosThetaL; cols[3][i] = p.Chi;
            for (int k = 0; k < w.Length; k++) w[k][i] = packed[k];
        }
        var table = new EventTable("truth sample");
        for (int f = 0; f < 4; f++) table.AddColumn(TruthFeatures[f], cols[f]);
        for (int k = 0; k < w.Length; k++) table.AddColumn(WeightMatrixLayout.ColumnNames[k], w[k]);
        return table;
    }
}
