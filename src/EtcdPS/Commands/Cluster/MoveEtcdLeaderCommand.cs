using System.Management.Automation;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands.Cluster;

/// <summary>
/// <para type="synopsis">Moves raft leadership to another voting member (by default the healthiest follower), like etcdctl move-leader.</para>
/// <para type="description">The call goes to the current leader (etcd accepts MoveLeader only there), so it works with a
/// connection to any member. Without -To, the follower with the least raft lag (then the fastest to answer) is chosen.
/// Returns the change once the new leader reports itself leader.</para>
/// </summary>
[Cmdlet(VerbsCommon.Move, "EtcdLeader", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EtcdLeaderChange))]
public sealed class MoveEtcdLeaderCommand : EtcdCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "MemberId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MemberCompleter))]
    public string? To { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var probes = await ClusterProbe.ProbeAsync(connection, cancellation).ConfigureAwait(false);
        var leader = LeaderMover.FindLeader(probes);
        var target = LeaderMover.ChooseTarget(probes, leader, To);
        if (target.IsLeader)
        {
            await WriteWarningAsync($"{target.Label} is the leader already; nothing to move.").ConfigureAwait(false);
            return;
        }

        if (await ShouldProcessAsync(target.Label, $"Move leadership from {leader.Label} to it").ConfigureAwait(false))
        {
            await WriteObjectAsync(await LeaderMover.MoveAsync(connection, leader, target, cancellation).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }
}
