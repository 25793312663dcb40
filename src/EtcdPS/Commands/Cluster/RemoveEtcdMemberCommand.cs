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
public sealed class RemoveEtcdMemberCommand : EtcdCmdlet
{
    /// <summary>The member, by name or hex id (a piped EtcdMember binds by its Id).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "MemberId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MemberCompleter))]
    public string Member { get; set; } = string.Empty;

    /// <summary>Remove even when quorum would be at risk or the connection goes only through this member.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var members = await MemberChanger.RemoveAsync(connection, Member, Force,
            (m, action) => ShouldProcessAsync(MemberChanger.Label(m), action), cancellation).ConfigureAwait(false);
        foreach (var member in members ?? [])
        {
            await WriteObjectAsync(member).ConfigureAwait(false);
        }
    }
}
