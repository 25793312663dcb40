namespace EtcdPS;

/// <summary>A leadership move made by Move-EtcdLeader (or by Invoke-EtcdDefragmentation -MoveLeader).</summary>
public sealed class EtcdLeaderChange
{
    /// <summary>The leader before the move (name, or hex id when unnamed).</summary>
    public string PreviousLeader { get; init; } = string.Empty;
    /// <summary>The previous leader's id in hex.</summary>
    public string PreviousLeaderId { get; init; } = string.Empty;
    /// <summary>The leader after the move.</summary>
    public string Leader { get; init; } = string.Empty;
    /// <summary>The new leader's id in hex.</summary>
    public string LeaderId { get; init; } = string.Empty;
    /// <summary>The new leader's client URL.</summary>
    public string Endpoint { get; init; } = string.Empty;
    /// <summary>The raft term after the move (a move starts a new term).</summary>
    public ulong RaftTerm { get; init; }
    /// <summary>How long the move took, in milliseconds, until the new leader reported itself leader.</summary>
    public double Took { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"Leadership transferred from {PreviousLeaderId} to {LeaderId}";
}
