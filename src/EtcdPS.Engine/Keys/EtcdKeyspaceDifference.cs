using EtcdPS.Engine.Kubernetes;

namespace EtcdPS;

// long, not int: ConvertTo-Json then writes the name, not the number (see docs/CONTRIBUTING.md).
/// <summary>How a key differs between two keyspaces.</summary>
public enum EtcdKeyspaceChangeType : long
{
    /// <summary>The key exists in the difference keyspace only.</summary>
    Added,
    /// <summary>The key exists in the reference keyspace only.</summary>
    Removed,
    /// <summary>The key exists in both with different values.</summary>
    Changed,
}

/// <summary>One key that differs between a reference keyspace and a difference keyspace (Compare-EtcdKeyspace).</summary>
public sealed class EtcdKeyspaceDifference
{
    /// <summary>Added, Removed or Changed (from the reference to the difference side).</summary>
    public EtcdKeyspaceChangeType ChangeType { get; init; }
    /// <summary>The key.</summary>
    public string Key { get; init; } = string.Empty;
    /// <summary>The key's ModRevision on the reference side; 0 when it is not there.</summary>
    public long ReferenceModRevision { get; init; }
    /// <summary>The key's ModRevision on the difference side; 0 when it is not there.</summary>
    public long DifferenceModRevision { get; init; }
    /// <summary>The value's size on the reference side.</summary>
    public long ReferenceSize { get; init; }
    /// <summary>The value's size on the difference side.</summary>
    public long DifferenceSize { get; init; }
    /// <summary>The revision the reference side was read at.</summary>
    public long ReferenceRevision { get; init; }
    /// <summary>The revision the difference side was read at.</summary>
    public long DifferenceRevision { get; init; }
    /// <summary>With -Decode: what changed, one line per changed field (spec.replicas: 3 → 5); "+ Kind ns/name" or "- Kind ns/name" for added and removed objects.</summary>
    public TextList? Diff { get; internal set; }
    /// <summary>With -Decode on Kubernetes (or JSON) values: the changed fields by JSON path.</summary>
    public EtcdFieldChange[]? Changes { get; internal set; }
    /// <summary>Kubernetes API group ("" for the core group).</summary>
    public string Group { get => KubernetesParts.Group; init => KubernetesParts = KubernetesParts with { Group = value }; }
    /// <summary>Kubernetes resource; empty for a key that is not Kubernetes'.</summary>
    public string Resource { get => KubernetesParts.Resource; init => KubernetesParts = KubernetesParts with { Resource = value }; }
    /// <summary>Kubernetes namespace.</summary>
    public string Namespace { get => KubernetesParts.Namespace; init => KubernetesParts = KubernetesParts with { Namespace = value }; }
    /// <summary>Kubernetes object name.</summary>
    public string Name { get => KubernetesParts.Name; init => KubernetesParts = KubernetesParts with { Name = value }; }

    /// <summary>The parts of the key when it is a Kubernetes storage key; <see cref="KubernetesKey.None"/> otherwise.</summary>
    internal KubernetesKey KubernetesParts { get; init; } = KubernetesKey.None;

    /// <inheritdoc />
    public override string ToString() => $"{ChangeType} {Key}";
}
