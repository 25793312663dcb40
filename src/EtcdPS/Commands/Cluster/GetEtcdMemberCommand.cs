using System.Management.Automation;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands.Cluster;

/// <summary>
/// <para type="synopsis">Lists the members of the cluster, like etcdctl member list.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdMember")]
[OutputType(typeof(EtcdMember))]
public sealed class GetEtcdMemberCommand : EtcdCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(MemberCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var member in await ClusterInspector.ListMembersFromAnyAsync(connection, cancellation).ConfigureAwait(false))
        {
            if (patterns is null || patterns.Any(p => p.IsMatch(member.Name)))
            {
                await WriteObjectAsync(member).ConfigureAwait(false);
            }
        }
    }
}
