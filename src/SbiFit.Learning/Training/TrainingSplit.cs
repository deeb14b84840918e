using SbiFit.Learning.Kernels;
using SbiFit.Physics;

namespace SbiFit.Learning;

/// <summary>
/// Deterministic train/test split by event (both copies of an event on the same side), standardisation fitted on the
/// training events, and the duplicated label-0/label-1 rows in the kernels' feature-major layout.
/// </summary>
internal sealed class TrainingSplit
{
    internal required PreparedSet<float> Train { get; init; }
    internal required PreparedSet<float> Test { get; init; }
    internal required float[] Mean { get; init; }
    internal required float[] Std { get; init; }

    internal static TrainingSplit Create(TrainingData data, ulong seed, double validationFraction)
    {
        int n = data.Count, nx = data.FeatureNames.Count;
        int nTest = (int)Math.Round(n * validationFraction);
        if (nTest < 1 || n - nTest < 1)
            throw new TrainingDataException($"{n} events are too few to hold out a fraction {validationFraction} as a test set.");
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var rng = new Rng(seed, 1);
        for (int i = n - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var testEvents = order.AsSpan(0, nTest);
        var trainEvents = order.AsSpan(nTest);

        // Population mean/std (as sklearn's StandardScaler) over the training events, in double.
        var mean = new float[nx];
        var std = new float[nx];
        for (int i = 0; i < nx; i++)
        {
            double s = 0;
            foreach (int e in trainEvents) s += data.Features[e * nx + i];
            double mu = s / trainEvents.Length, ss = 0;
            foreach (int e in trainEvents) { double d = data.Features[e * nx + i] - mu; ss += d * d; }
            double sd = Math.Sqrt(ss / trainEvents.Length);
            mean[i] = (float)mu;
            std[i] = sd > 0 && float.IsFinite((float)sd) && (float)sd > 0 ? (float)sd : 1f; // constant column: leave unscaled
        }
        var train = Build(data, trainEvents, mean, std);
        CheckClass(train, 1, "NP (label 1)");
        CheckClass(train, 0, "SM (label 0)");
        var test = Build(data, testEvents, mean, std);
        if (!(test.Weight.Sum() > 0))
            throw new TrainingDataException("the test split has zero total weight, so no test loss can be computed; add events or change the seed.");
        return new TrainingSplit { Train = train, Test = test, Mean = mean, Std = std };
    }

    private static PreparedSet<float> Build(TrainingData data, ReadOnlySpan<int> events, float[] mean, float[] std)
    {
        int nx = data.FeatureNames.Count, nt = data.ThetaNames.Count, rows = 2 * events.Length;
        var set = new PreparedSet<float>(rows, nx, nt);
        for (int j = 0; j < events.Length; j++)
        {
            int e = events[j], r0 = 2 * j, r1 = r0 + 1;
            for (int i = 0; i < nx; i++)
            {
                float z = (float)((data.Features[e * nx + i] - mean[i]) / std[i]);
                set.Z[i * rows + r0] = z; set.Z[i * rows + r1] = z;
            }
            for (int t = 0; t < nt; t++)
            {
                float th = (float)data.Theta[e * nt + t];
                set.Theta[t * rows + r0] = th; set.Theta[t * rows + r1] = th;
            }
            set.Label[r0] = 0; set.Weight[r0] = data.WeightSm[e];
            set.Label[r1] = 1; set.Weight[r1] = data.WeightNp[e];
        }
        return set;
    }

    private static void CheckClass(PreparedSet<float> set, float label, string what)
    {
        double s = 0;
        for (int r = 0; r < set.Rows; r++) if (set.Label[r] == label) s += set.Weight[r];
        if (!(s > 0)) throw new TrainingDataException($"the training split has no positive {what} weight; add events or change the seed.");
    }
}
