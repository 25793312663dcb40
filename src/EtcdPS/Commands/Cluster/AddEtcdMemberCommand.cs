using System.Management.Automation;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands.Cluster;

/// <summary>
/// <para type="synopsis">Adds a member (or a learner) to the cluster and returns the --initial-cluster flags its etcd must start with.</para>
/// <para type="description">Like etcdctl member add, with a guard: a voting member is refused while a voting member does not
/// answer (adding a voter raises the quorum), unless -Force. A learner never changes the quorum.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "EtcdMember", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EtcdMemberAddition))]
public sealed class AddEtcdMemberCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string[] PeerUrl { get; set; } = [];

    [Parameter]
    public SwitchParameter Learner { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        foreach (var url in PeerUrl)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                    $"'{url}' is not a peer URL; write it like http://10.0.0.4:2380.", url);
            }
        }

        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var request = new MemberAdditionRequest(Name, PeerUrl, Learner, Force);
        var added = await MemberChanger.AddAsync(connection, request, action => ShouldProcessAsync(Name, action), cancellation).ConfigureAwait(false);
        if (added is not null)
        {
            await WriteObjectAsync(added).ConfigureAwait(false);
        }
    }
}
