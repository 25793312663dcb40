using System.Management.Automation;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands.Cluster;

/// <summary>
/// <para type="synopsis">Removes a member from the cluster, refusing when the remaining voting members would lose quorum.</para>
/// <para type="description">Like etcdctl member remove, with guards: a voting member is not removed when the voting members
/// that remain and answer would be too few for quorum, nor the member the connection reaches the cluster through, unless
/// -Force. Returns the member list afterwards.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "EtcdMember", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EtcdMember))]
public sealed class RemoveEtcdMemberCommand : MemberChangeCmdlet
{
    private protected override Task<IReadOnlyList<EtcdMember>?> ChangeAsync(EtcdConnection connection,
        Func<EtcdMember, string, Task<bool>> approve, CancellationToken cancellation) =>
        MemberChanger.RemoveAsync(connection, Member, Force, approve, cancellation);
}
