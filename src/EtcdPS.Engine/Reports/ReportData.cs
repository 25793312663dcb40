namespace EtcdPS.Engine.Reports;

/// <summary>What <c>Export-EtcdReport</c> asks for.</summary>
internal sealed record ReportOptions
{
    /// <summary>The keyspace prefix measured for the treemap and the largest objects; empty for the whole keyspace.</summary>
    public string Prefix { get; init; } = string.Empty;

    /// <summary>How long the revision rate is sampled (also the interval of the deep health check's two metric reads).</summary>
    public TimeSpan SampleDuration { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How many points the rate chart gets over <see cref="SampleDuration"/>.</summary>
    public int RatePoints { get; init; } = 30;

    /// <summary>How many of the largest objects are listed.</summary>
    public int TopObjects { get; init; } = 20;
}

/// <summary>One cell of the keyspace treemap: a resource (or top key segment) and namespace, with count and bytes.</summary>
internal sealed record KeyspaceCell(string Resource, string Namespace, long Count, long Bytes);

/// <summary>One of the largest keys.</summary>
internal sealed record LargeObject(string Key, string Resource, string Namespace, long Bytes, long ModRevision, long Version);

/// <summary>Writes per resource in one interval of the sample.</summary>
internal sealed record RatePoint(DateTimeOffset Time, double Seconds, IReadOnlyDictionary<string, long> WritesByResource);

/// <summary>Everything the report shows, collected once, then rendered.</summary>
internal sealed record ReportData
{
    public required DateTimeOffset GeneratedAt { get; init; }
    public required string Connection { get; init; }
    public required string Prefix { get; init; }
    public required TimeSpan SampleDuration { get; init; }
    public required IReadOnlyList<EtcdMember> Members { get; init; }
    public required IReadOnlyList<EtcdStatus> Statuses { get; init; }
    public required IReadOnlyList<string> StatusErrors { get; init; }
    public required IReadOnlyDictionary<string, long> Quotas { get; init; }
    public required IReadOnlyList<EtcdHealthCheck> Checks { get; init; }
    public required IReadOnlyList<KeyspaceCell> Keyspace { get; init; }
    public required IReadOnlyList<LargeObject> Largest { get; init; }
    public required IReadOnlyList<RatePoint> Rate { get; init; }
    public required long Revision { get; init; }
    public required long CompactRevision { get; init; }
    public long Keys => Keyspace.Sum(c => c.Count);
    public long Bytes => Keyspace.Sum(c => c.Bytes);
}

/// <summary>Where report collection is, for the progress bar.</summary>
internal readonly record struct ReportProgress(string Activity, int Percent);
