using System.Management.Automation;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands.Cluster;

/// <summary>
/// Base of Remove-EtcdMember and Invoke-EtcdMemberPromotion: one member by name or hex id, -Force past the quorum
/// guard, a confirmation for the member the change resolves to, and the member list afterwards.
/// </summary>
public abstract class MemberChangeCmdlet : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Id", "MemberId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MemberCompleter))]
    public string Member { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The engine call: MemberChanger.RemoveAsync or MemberChanger.PromoteAsync.</summary>
    private protected abstract Task<IReadOnlyList<EtcdMember>?> ChangeAsync(EtcdConnection connection,
        Func<EtcdMember, string, Task<bool>> approve, CancellationToken cancellation);

    /// <inheritdoc />
    protected sealed override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var members = await ChangeAsync(connection, (m, action) => ShouldProcessAsync(MemberChanger.Label(m), action), cancellation)
            .ConfigureAwait(false);
        foreach (var member in members ?? [])
        {
            await WriteObjectAsync(member).ConfigureAwait(false);
        }
    }
}
