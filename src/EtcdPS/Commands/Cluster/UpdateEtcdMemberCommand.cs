using System.Management.Automation;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands.Cluster;

/// <summary>
/// <para type="synopsis">Changes a member's peer URLs, like etcdctl member update.</para>
/// <para type="description">The member must then listen on the new URLs (restart it with the new
/// --initial-advertise-peer-urls / --listen-peer-urls). Returns the member list afterwards.</para>
/// </summary>
[Cmdlet(VerbsData.Update, "EtcdMember", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EtcdMember))]
public sealed class UpdateEtcdMemberCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "MemberId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MemberCompleter))]
    public string Member { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] PeerUrl { get; set; } = [];

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var members = await MemberChanger.UpdateAsync(connection, Member, PeerUrl,
            (m, action) => ShouldProcessAsync(MemberChanger.Label(m), action), cancellation).ConfigureAwait(false);
        foreach (var member in members ?? [])
        {
            await WriteObjectAsync(member).ConfigureAwait(false);
        }
    }
}
