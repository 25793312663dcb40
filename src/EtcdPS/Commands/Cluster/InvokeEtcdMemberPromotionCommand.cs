using System.Management.Automation;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands.Cluster;

/// <summary>
/// <para type="synopsis">Promotes a learner to a voting member, like etcdctl member promote.</para>
/// <para type="description">etcd promotes only a learner that caught up with the leader (EtcdLearnerNotReady otherwise: wait and
/// retry). A promotion raises the quorum, so it is refused while a voting member does not answer, unless -Force. Returns the
/// member list afterwards.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "EtcdMemberPromotion", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EtcdMember))]
public sealed class InvokeEtcdMemberPromotionCommand : EtcdCmdlet
{
    /// <summary>The learner, by name or hex id (a piped EtcdMember binds by its Id).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "MemberId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MemberCompleter))]
    public string Member { get; set; } = string.Empty;

    /// <summary>Promote even while a voting member does not answer.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var members = await MemberChanger.PromoteAsync(connection, Member, Force,
            (m, action) => ShouldProcessAsync(MemberChanger.Label(m), action), cancellation).ConfigureAwait(false);
        foreach (var member in members ?? [])
        {
            await WriteObjectAsync(member).ConfigureAwait(false);
        }
    }
}
