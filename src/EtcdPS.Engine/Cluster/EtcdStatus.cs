namespace EtcdPS;

/// <summary>The status of one etcd member, as <c>etcdctl endpoint status</c> shows it, plus the compact revision.</summary>
public sealed class EtcdStatus
{
    /// <summary>The endpoint that answered.</summary>
    public string Endpoint { get; init; } = string.Empty;
    /// <summary>The member's id in hex.</summary>
    public string MemberId { get; init; } = string.Empty;
    /// <summary>The member's name, when known from the member list.</summary>
    public string? Name { get; init; }
    /// <summary>The cluster id in hex.</summary>
    public string ClusterId { get; init; } = string.Empty;
    /// <summary>etcd server version.</summary>
    public string Version { get; init; } = string.Empty;
    /// <summary>Storage version (etcd 3.6+; empty before).</summary>
    public string StorageVersion { get; init; } = string.Empty;
    /// <summary>Size of the backend database file in bytes, free pages included.</summary>
    public long DbSize { get; init; }
    /// <summary>Bytes of the database actually in use; the difference to DbSize is what defragmentation gives back.</summary>
    public long DbSizeInUse { get; init; }
    /// <summary>The backend quota in bytes (etcd 3.6+; 0 when the server does not report it).</summary>
    public long DbSizeQuota { get; init; }
    /// <summary>True when this member is the raft leader.</summary>
    public bool IsLeader { get; init; }
    /// <summary>True when this member is a learner (non-voting).</summary>
    public bool IsLearner { get; init; }
    /// <summary>The leader's member id in hex.</summary>
    public string LeaderId { get; init; } = string.Empty;
    /// <summary>The raft term.</summary>
    public ulong RaftTerm { get; init; }
    /// <summary>The raft index.</summary>
    public ulong RaftIndex { get; init; }
    /// <summary>The raft applied index.</summary>
    public ulong RaftAppliedIndex { get; init; }
    /// <summary>The cluster revision seen by this member.</summary>
    public long Revision { get; init; }
    /// <summary>The revision below which history was compacted; 0 when it never was.</summary>
    public long CompactRevision { get; init; }
    /// <summary>Errors the member reports (alarms such as NOSPACE show up here too).</summary>
    public TextList Errors { get; init; } = [];
    /// <summary>True when the member answered; false for an endpoint that could not be reached (see Error).</summary>
    public bool Reachable { get; init; }
    /// <summary>The alarms the member reports (NOSPACE, CORRUPT), from its status: readable without a quorum.</summary>
    public TextList Alarms { get; init; } = [];
    /// <summary>Why the member cannot serve: the connection failure of an unreachable endpoint, or "etcdserver: no leader"; empty when neither.</summary>
    public string Error { get; init; } = string.Empty;

    /// <summary>The alarm names in a status' error strings ("memberID:… alarm:NOSPACE").</summary>
    internal static string[] AlarmsIn(IEnumerable<string> errors) => errors
        .Select(e => System.Text.RegularExpressions.Regex.Match(e, @"alarm:\s*([A-Za-z]+)"))
        .Where(m => m.Success)
        .Select(m => m.Groups[1].Value.ToUpperInvariant())
        .Distinct()
        .ToArray();

    /// <inheritdoc />
    public override string ToString() => Reachable
        ? $"{Endpoint} {MemberId} rev {Revision}{(IsLeader ? " leader" : string.Empty)}{(Error.Length > 0 ? " " + Error : string.Empty)}"
        : $"{Endpoint} unreachable: {Error}";
}

/// <summary>The outcome of one linearizable read, as <c>etcdctl endpoint health</c> reports it.</summary>
public sealed class EtcdHealth
{
    /// <summary>The endpoint probed.</summary>
    public string Endpoint { get; init; } = string.Empty;
    /// <summary>The member's name, when the member list could be read.</summary>
    public string? Name { get; init; }
    /// <summary>True when the read succeeded.</summary>
    public bool Healthy { get; init; }
    /// <summary>How long the read took, in milliseconds (a number, so ConvertTo-Json and Export-Csv give a number).</summary>
    public double Took { get; init; }
    /// <summary>Why it is unhealthy; empty when healthy.</summary>
    public string Error { get; init; } = string.Empty;

    /// <inheritdoc />
    public override string ToString() => Healthy
        ? $"{Endpoint} is healthy: successfully committed proposal: took = {Took:0.###}ms"
        : $"{Endpoint} is unhealthy: {Error}";
}

/// <summary>A cluster member, as <c>etcdctl member list</c> shows it.</summary>
public sealed class EtcdMember
{
    /// <summary>The member id in hex.</summary>
    public string Id { get; init; } = string.Empty;
    /// <summary>The member's name (empty while it has not started).</summary>
    public string Name { get; init; } = string.Empty;
    /// <summary>"started" or "unstarted".</summary>
    public string Status => Name.Length == 0 ? "unstarted" : "started";
    /// <summary>Peer URLs.</summary>
    public TextList PeerUrls { get; init; } = [];
    /// <summary>Client URLs.</summary>
    public TextList ClientUrls { get; init; } = [];
    /// <summary>True for a learner.</summary>
    public bool IsLearner { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Id}, {Status}, {Name}, {string.Join(",", PeerUrls)}, {string.Join(",", ClientUrls)}, {IsLearner.ToString().ToLowerInvariant()}";
}
