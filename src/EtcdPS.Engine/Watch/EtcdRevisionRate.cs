namespace EtcdPS;

/// <summary>The cluster revision at one moment.</summary>
public sealed class EtcdRevisionSample
{
    /// <summary>When the revision was read.</summary>
    public DateTimeOffset Time { get; init; }
    /// <summary>The cluster revision then.</summary>
    public long Revision { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Time:HH:mm:ss.fff} {Revision}";
}

/// <summary>Writes to one Kubernetes resource in one namespace (or to one top-level prefix) during a measurement.</summary>
public sealed class EtcdResourceWriteRate
{
    /// <summary>Kubernetes API group ("" for the core group).</summary>
    public string Group { get; init; } = string.Empty;
    /// <summary>Kubernetes resource; empty for keys that are not Kubernetes'.</summary>
    public string Resource { get; init; } = string.Empty;
    /// <summary>Kubernetes namespace; empty for cluster-scoped objects.</summary>
    public string Namespace { get; init; } = string.Empty;
    /// <summary>For keys that are not Kubernetes': their first path segment (e.g. <c>/myapp</c>).</summary>
    public string Prefix { get; init; } = string.Empty;
    /// <summary>Number of changed keys (puts and deletes).</summary>
    public long Writes { get; init; }
    /// <summary>Writes per second over the measurement.</summary>
    public double PerSecond { get; init; }
    /// <summary>Writes per minute over the measurement.</summary>
    public double PerMinute => PerSecond * 60;
    /// <summary>Share of all writes of the period, 0 to 1.</summary>
    public double Share { get; init; }

    /// <inheritdoc />
    public override string ToString() => Resource.Length > 0
        ? $"{(Group.Length > 0 ? Group + "/" : string.Empty)}{Resource}{(Namespace.Length > 0 ? " in " + Namespace : string.Empty)}: {Writes} writes"
        : $"{Prefix}: {Writes} writes";
}

/// <summary>Writes made by one field manager during a measurement (Measure-EtcdRevisionRate -ByManager).</summary>
public sealed class EtcdManagerWriteRate
{
    /// <summary>The field manager (kube-controller-manager, kubelet, kubectl-client-side-apply, an operator), from the
    /// managedFields entry the write changed; (unknown) when none changed, (deleted) for deletions.</summary>
    public string Manager { get; init; } = string.Empty;
    /// <summary>Update or Apply.</summary>
    public string Operation { get; init; } = string.Empty;
    /// <summary>Kubernetes API group of the objects written.</summary>
    public string Group { get; init; } = string.Empty;
    /// <summary>Kubernetes resource of the objects written.</summary>
    public string Resource { get; init; } = string.Empty;
    /// <summary>Number of writes.</summary>
    public long Writes { get; init; }
    /// <summary>Writes that stored exactly the bytes the key already held (no-ops a real API server would have skipped).</summary>
    public long NoOps { get; init; }
    /// <summary>Writes per second over the measurement.</summary>
    public double PerSecond { get; init; }
    /// <summary>Share of all writes of the period, 0 to 1.</summary>
    public double Share { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Manager} {Resource}: {Writes} writes";
}

/// <summary>How fast the cluster revision grew over a period: one revision per write transaction.</summary>
public sealed class EtcdRevisionRate
{
    /// <summary>When the first sample was taken.</summary>
    public DateTimeOffset StartTime { get; init; }
    /// <summary>When the last sample was taken.</summary>
    public DateTimeOffset EndTime { get; init; }
    /// <summary>The time between the first and the last sample, in milliseconds.</summary>
    public double Duration => (EndTime - StartTime).TotalMilliseconds;
    /// <summary>The revision at the first sample.</summary>
    public long StartRevision { get; init; }
    /// <summary>The revision at the last sample.</summary>
    public long EndRevision { get; init; }
    /// <summary>Write transactions in the period.</summary>
    public long Revisions => EndRevision - StartRevision;
    /// <summary>Revisions per second.</summary>
    public double PerSecond => Duration > 0 ? Revisions * 1000 / Duration : 0;
    /// <summary>Revisions per minute.</summary>
    public double PerMinute => PerSecond * 60;
    /// <summary>Every sample taken, in order.</summary>
    public EtcdRevisionSample[] Samples { get; init; } = [];
    /// <summary>With -ByResource: the changed keys of the period per resource and namespace, busiest first.</summary>
    public EtcdResourceWriteRate[] ByResource { get; init; } = [];
    /// <summary>With -ByResource: the same per resource over all its namespaces (Namespace '*'), busiest first.</summary>
    public EtcdResourceWriteRate[] ResourceTotals { get; init; } = [];
    /// <summary>With -ByManager: the writes of the period per field manager and resource, busiest first.</summary>
    public EtcdManagerWriteRate[] ByManager { get; init; } = [];

    /// <summary>True when the measurement was stopped before its -Duration (Ctrl+C): it covers only the time until then.</summary>
    public bool IsPartial { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Revisions} revisions in {Duration / 1000:0.#} s ({PerSecond:0.##}/s){(IsPartial ? " (partial)" : string.Empty)}";
}
