using System.Collections;
using System.Globalization;

namespace EtcdPS;

/// <summary>One sample of a member's Prometheus metrics (<c>/metrics</c>): a counter, gauge, summary part or untyped value.</summary>
public class EtcdMetric
{
    /// <summary>The member's name (from the member list); its endpoint when the name is not known.</summary>
    public string Member { get; init; } = string.Empty;

    /// <summary>The URL the metrics were read from.</summary>
    public string Endpoint { get; init; } = string.Empty;

    /// <summary>The series name, e.g. <c>etcd_server_has_leader</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>counter, gauge, histogram, summary or untyped (from the <c># TYPE</c> line).</summary>
    public string Type { get; init; } = "untyped";

    /// <summary>The labels of the series (without <c>le</c> for histograms).</summary>
    public Hashtable Labels { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The value; for a histogram, the number of observations (<see cref="EtcdHistogram.Count"/>).</summary>
    public double Value { get; init; }

    /// <summary>The metric's help text.</summary>
    public string Help { get; init; } = string.Empty;

    /// <summary>When the metrics were read.</summary>
    public DateTimeOffset Time { get; init; }

    /// <summary>The labels as Prometheus writes them: <c>{code="OK",method="Range"}</c>; empty when there are none.</summary>
    public string LabelText => Labels.Count == 0 ? string.Empty
        : "{" + string.Join(",", Labels.Keys.Cast<string>().Order(StringComparer.Ordinal).Select(k => $"{k}=\"{Labels[k]}\"")) + "}";

    /// <inheritdoc />
    public override string ToString() => $"{Member} {Name}{LabelText} {Value.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>One cumulative bucket of a histogram: how many observations were at most <see cref="UpperBound"/>.</summary>
public readonly record struct EtcdHistogramBucket(double UpperBound, double Count)
{
    /// <inheritdoc />
    public override string ToString() => $"le={UpperBound.ToString(CultureInfo.InvariantCulture)}: {Count.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// A histogram series as one object: its cumulative buckets, Count, Sum, and the 50th/90th/99th percentiles estimated from
/// the buckets like Prometheus' <c>histogram_quantile</c> (linear within a bucket; NaN when nothing was observed).
/// The values count from the member's start; <see cref="Since"/> gives the histogram of an interval between two reads.
/// </summary>
public sealed class EtcdHistogram : EtcdMetric
{
    /// <summary>The cumulative buckets, by upper bound; the last is +Inf.</summary>
    public EtcdHistogramBucket[] Buckets { get; init; } = [];

    /// <summary>The number of observations.</summary>
    public double Count { get; init; }

    /// <summary>The sum of the observed values (seconds for etcd's durations).</summary>
    public double Sum { get; init; }

    /// <summary>The median estimated from the buckets.</summary>
    public double P50 => Quantile(0.5);

    /// <summary>The 90th percentile estimated from the buckets.</summary>
    public double P90 => Quantile(0.9);

    /// <summary>The 99th percentile estimated from the buckets.</summary>
    public double P99 => Quantile(0.99);

    /// <summary>The mean observed value (Sum / Count); NaN when nothing was observed.</summary>
    public double Mean => Count == 0 ? double.NaN : Sum / Count;

    /// <summary>Any quantile (0 to 1), estimated like Prometheus' histogram_quantile.</summary>
    public double Quantile(double q) => Engine.Cluster.HistogramQuantile.Estimate(q, Buckets);

    /// <summary>The observations made after <paramref name="earlier"/> (a read of the same series), as a histogram.</summary>
    public EtcdHistogram Since(EtcdHistogram earlier)
    {
        var before = earlier.Buckets.ToDictionary(b => b.UpperBound, b => b.Count);
        return new EtcdHistogram
        {
            Member = Member,
            Endpoint = Endpoint,
            Name = Name,
            Type = Type,
            Labels = Labels,
            Help = Help,
            Time = Time,
            Buckets = Buckets.Select(b => b with { Count = Math.Max(0, b.Count - before.GetValueOrDefault(b.UpperBound)) }).ToArray(),
            Count = Math.Max(0, Count - earlier.Count),
            Value = Math.Max(0, Count - earlier.Count),
            Sum = Math.Max(0, Sum - earlier.Sum),
        };
    }

    /// <inheritdoc />
    public override string ToString() => $"{Member} {Name}{LabelText} count={Count.ToString(CultureInfo.InvariantCulture)} p99={P99.ToString(CultureInfo.InvariantCulture)}";
}
