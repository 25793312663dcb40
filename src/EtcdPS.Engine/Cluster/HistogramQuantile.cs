namespace EtcdPS.Engine.Cluster;

/// <summary>
/// Estimates a quantile from cumulative histogram buckets the way Prometheus' <c>histogram_quantile</c> does:
/// find the bucket the rank falls in and interpolate linearly inside it, assuming observations spread evenly.
/// </summary>
internal static class HistogramQuantile
{
    /// <param name="q">The quantile, 0 to 1.</param>
    /// <param name="buckets">Cumulative buckets (upper bound, count); the last must be +Inf.</param>
    public static double Estimate(double q, IReadOnlyList<EtcdHistogramBucket> buckets)
    {
        if (double.IsNaN(q))
        {
            return double.NaN;
        }

        if (q < 0)
        {
            return double.NegativeInfinity;
        }

        if (q > 1)
        {
            return double.PositiveInfinity;
        }

        var sorted = buckets.OrderBy(b => b.UpperBound).ToList();
        if (sorted.Count < 2 || !double.IsPositiveInfinity(sorted[^1].UpperBound))
        {
            return double.NaN;
        }

        // Counts must not fall with the bound; a scrape taken mid-update can show that, and Prometheus evens it out.
        var bounds = new double[sorted.Count];
        var counts = new double[sorted.Count];
        for (var i = 0; i < sorted.Count; i++)
        {
            bounds[i] = sorted[i].UpperBound;
            counts[i] = i == 0 ? sorted[i].Count : Math.Max(sorted[i].Count, counts[i - 1]);
        }

        var observations = counts[^1];
        if (observations == 0)
        {
            return double.NaN;
        }

        var rank = q * observations;
        var b = Array.FindIndex(counts, c => c >= rank);
        if (b == counts.Length - 1)
        {
            return bounds[^2];
        }

        if (b == 0 && bounds[0] <= 0)
        {
            return bounds[0];
        }

        var start = 0.0;
        var end = bounds[b];
        var count = counts[b];
        if (b > 0)
        {
            start = bounds[b - 1];
            count -= counts[b - 1];
            rank -= counts[b - 1];
        }

        return start + ((end - start) * (rank / count));
    }
}
