namespace EtcdPS;

/// <summary>
/// A member added with Add-EtcdMember, and what its etcd needs to join: the <c>--initial-cluster</c> of every member's
/// peer URLs and <c>--initial-cluster-state existing</c>, as <c>etcdctl member add</c> prints them.
/// </summary>
public sealed class EtcdMemberAddition
{
    /// <summary>The new member's id in hex.</summary>
    public string Id { get; init; } = string.Empty;
    /// <summary>The name the new member must be started with (<c>--name</c>).</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>The new member's peer URLs (<c>--initial-advertise-peer-urls</c>).</summary>
    public TextList PeerUrls { get; init; } = [];
    /// <summary>True when it was added as a learner (non-voting until promoted).</summary>
    public bool IsLearner { get; init; }
    /// <summary>The value of <c>--initial-cluster</c> for the new member: name=peerURL of every member, the new one included.</summary>
    public string InitialCluster { get; init; } = string.Empty;
    /// <summary>Always <c>existing</c>: the new member joins a running cluster.</summary>
    public string InitialClusterState => "existing";
    /// <summary>The member list after the addition.</summary>
    public EtcdMember[] Members { get; init; } = [];

    /// <summary>The etcd flags that start the new member (add --data-dir and the client URLs of your own).</summary>
    public string EtcdArguments =>
        $"--name {Name} --initial-advertise-peer-urls {string.Join(",", PeerUrls)} --initial-cluster {InitialCluster} --initial-cluster-state existing";

    /// <inheritdoc />
    public override string ToString() =>
        $"ETCD_NAME=\"{Name}\"\nETCD_INITIAL_CLUSTER=\"{InitialCluster}\"\nETCD_INITIAL_ADVERTISE_PEER_URLS=\"{string.Join(",", PeerUrls)}\"\nETCD_INITIAL_CLUSTER_STATE=\"existing\"";
}
