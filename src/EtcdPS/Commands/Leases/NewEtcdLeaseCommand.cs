using System.Management.Automation;
using EtcdPS.Engine.Leases;

namespace EtcdPS.Commands.Leases;

/// <summary>
/// <para type="synopsis">Grants a lease with a time to live, like etcdctl lease grant; keys attached to it are deleted when it expires.</para>
/// <para type="description">The lease object's Id binds to Set-EtcdKey -Lease, by value or from the pipeline. Keep the lease
/// alive with Update-EtcdLease; revoke it (deleting its keys at once) with Remove-EtcdLease.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "EtcdLease", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(EtcdLease))]
public sealed class NewEtcdLeaseCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("TTL")]
    [ValidateRange(1, long.MaxValue)]
    public long TimeToLive { get; set; }

    [Parameter]
    [LeaseIdTransformation]
    [ValidateRange(0, long.MaxValue)]
    public long Id { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        if (await ShouldProcessAsync(Id == 0 ? "new lease" : MemberIds.LeaseToHex(Id), $"Grant a lease with a TTL of {TimeToLive} s").ConfigureAwait(false))
        {
            await WriteObjectAsync(await LeaseKeeper.GrantAsync(connection, TimeToLive, Id, cancellation).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }
}
