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
public sealed class InvokeEtcdMemberPromotionCommand : MemberChangeCmdlet
{
    private protected override Task<IReadOnlyList<EtcdMember>?> ChangeAsync(EtcdConnection connection,
        Func<EtcdMember, string, Task<bool>> approve, CancellationToken cancellation) =>
        MemberChanger.PromoteAsync(connection, Member, Force, approve, cancellation);
}
