namespace EtcdPS;

/// <summary>A CustomResourceDefinition found in etcd, with the number of its instances at the read's revision.</summary>
public sealed class EtcdCustomResourceDefinition
{
    /// <summary>The CRD's name: <c>&lt;plural&gt;.&lt;group&gt;</c>.</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>The API group of the custom resources.</summary>
    public string Group { get; init; } = string.Empty;
    /// <summary>The kind of the custom resources (empty when the stored CRD could not be read as JSON).</summary>
    public string Kind { get; init; } = string.Empty;
    /// <summary>The plural resource name, used in the instances' keys.</summary>
    public string Plural { get; init; } = string.Empty;
    /// <summary>Namespaced or Cluster.</summary>
    public string Scope { get; init; } = string.Empty;
    /// <summary>The versions the CRD defines.</summary>
    public TextList Versions { get; init; } = [];
    /// <summary>The version instances are stored in.</summary>
    public string StorageVersion { get; init; } = string.Empty;
    /// <summary>Number of instances stored under <see cref="InstancePrefix"/>.</summary>
    public long Count { get; init; }
    /// <summary>The etcd key prefix of the instances: <c>/registry/&lt;group&gt;/&lt;plural&gt;/</c>.</summary>
    public string InstancePrefix { get; init; } = string.Empty;
    /// <summary>The etcd key of the CRD itself.</summary>
    public string Key { get; init; } = string.Empty;
    /// <summary>The revision of the read.</summary>
    public long Revision { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Count} instances)";
}
