using System.Diagnostics;
using Etcdserverpb;

namespace EtcdPS.Engine.Cluster;

/// <summary>
/// Moves raft leadership with etcd's MoveLeader, which only the leader accepts: the call goes to the leader's own client
/// URL, and the move counts as done once the new leader reports itself leader.
/// </summary>
internal static class LeaderMover
{
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The follower leadership should go to: <paramref name="wanted"/> when given, else the healthiest voting follower
    /// (the one with the least raft lag behind the leader, then the fastest to answer). <paramref name="exclude"/> is never chosen.
    /// </summary>
    public static MemberProbe ChooseTarget(IReadOnlyList<MemberProbe> probes, MemberProbe leader, string? wanted, string? exclude = null)
    {
        if (wanted is not null)
        {
            var member = ClusterProbe.Resolve(probes.Select(p => p.Member).ToArray(), wanted);
            var probe = probes.First(p => p.Member.Id == member.Id);
            if (member.IsLearner || !probe.Healthy)
            {
                throw new EtcdException(EtcdErrorIds.NoLeaderTarget, EtcdErrorCategory.InvalidOperation,
                    $"Leadership cannot move to {MemberChanger.Label(member)}: {(member.IsLearner ? "it is a learner (it does not vote)" : probe.Problem)}.", wanted,
                    "Choose a started voting member that answers (Get-EtcdStatus -Cluster), or promote the learner first (Invoke-EtcdMemberPromotion).");
            }

            return probe;
        }

        var leaderIndex = leader.Status!.RaftIndex;
        return probes
            .Where(p => p.Healthy && !p.Member.IsLearner && !p.IsLeader && p.Member.Id != exclude)
            .OrderBy(p => leaderIndex > p.Status!.RaftAppliedIndex ? leaderIndex - p.Status.RaftAppliedIndex : 0)
            .ThenBy(p => p.Took)
            .FirstOrDefault()
            ?? throw new EtcdException(EtcdErrorIds.NoLeaderTarget, EtcdErrorCategory.InvalidOperation,
                $"No voting follower answers, so leadership cannot move away from {leader.Label}.", leader.Label,
                "Check the other members (Test-EtcdHealth -Cluster); a single-member cluster cannot move its leader.");
    }

    public static MemberProbe FindLeader(IReadOnlyList<MemberProbe> probes) =>
        probes.FirstOrDefault(p => p.IsLeader)
        ?? throw new EtcdException(EtcdErrorIds.NoLeader, EtcdErrorCategory.ResourceUnavailable,
            "No member reports itself as leader.", null,
            "Retry in a few seconds; check that a majority of members runs (Test-EtcdHealth -Cluster).");

    /// <summary>Moves leadership from <paramref name="leader"/> to <paramref name="target"/> and waits until it took effect.</summary>
    public static async Task<EtcdLeaderChange> MoveAsync(EtcdConnection connection, MemberProbe leader, MemberProbe target, CancellationToken cancellation)
    {
        var watch = Stopwatch.StartNew();
        using var both = connection.WithEndpoints([leader.Endpoint, target.Endpoint]);
        var targetId = ClusterProbe.IdOf(target.Member);
        await ClusterOperationErrors.Translate(() => both.CallEndpointAsync(both.Clients[0],
            (c, o) => c.Maintenance.MoveLeaderAsync(new MoveLeaderRequest { TargetID = targetId }, o).ResponseAsync, cancellation), target.Label).ConfigureAwait(false);
        while (true)
        {
            try
            {
                var status = await both.CallEndpointAsync(both.Clients[1], (c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync,
                    cancellation, timeout: TimeSpan.FromSeconds(3)).ConfigureAwait(false);
                if (status.Leader == targetId)
                {
                    return new EtcdLeaderChange
                    {
                        PreviousLeader = leader.Label,
                        PreviousLeaderId = leader.Member.Id,
                        Leader = target.Label,
                        LeaderId = target.Member.Id,
                        Endpoint = target.Endpoint,
                        RaftTerm = status.RaftTerm,
                        Took = watch.Elapsed.TotalMilliseconds,
                    };
                }
            }
            catch (EtcdException) when (watch.Elapsed < s_settle)
            {
            }

            if (watch.Elapsed > s_settle)
            {
                throw new EtcdException(EtcdErrorIds.LeaderMoveFailed, EtcdErrorCategory.OperationTimeout,
                    $"etcd accepted moving leadership to {target.Label}, but {target.Label} did not report itself leader within {s_settle.TotalSeconds:0} s.",
                    target.Label, "Check Get-EtcdStatus -Cluster: another election may have chosen a different leader.");
            }

            await Task.Delay(50, cancellation).ConfigureAwait(false);
        }
    }
}
