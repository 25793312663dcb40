using System.Management.Automation;
using EtcdPS.Engine.Leases;

namespace EtcdPS.Commands.Leases;

/// <summary>
/// <para type="synopsis">Revokes a lease, which deletes every key attached to it at once, like etcdctl lease revoke.</para>
/// <para type="description">The confirmation names the keys that will be deleted (ConfirmImpact High, so it asks unless
/// -Confirm:$false). Outputs the lease as it was, with the keys that were deleted.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "EtcdLease", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EtcdLease))]
public sealed class RemoveEtcdLeaseCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Lease")]
    [LeaseIdTransformation]
    [ArgumentCompleter(typeof(LeaseCompleter))]
    public long[] Id { get; set; } = [];

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        foreach (var id in Id)
        {
            try
            {
                var revoked = await LeaseKeeper.RevokeAsync(connection, id, lease => ShouldProcessAsync(lease.HexId, Describe(lease)), cancellation)
                    .ConfigureAwait(false);
                if (revoked is not null)
                {
                    await WriteObjectAsync(revoked).ConfigureAwait(false);
                }
            }
            catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.LeaseNotFound)
            {
                await WriteErrorAsync(ex).ConfigureAwait(false);
            }
        }
    }

    private static string Describe(EtcdLease lease) => lease.Keys.Count switch
    {
        0 => $"Revoke the lease (TTL {lease.TTL} s left); no key is attached",
        <= 10 => $"Revoke the lease (TTL {lease.TTL} s left) and delete its {lease.Keys.Count} key(s): {string.Join(", ", lease.Keys.Order(StringComparer.Ordinal))}",
        _ => $"Revoke the lease (TTL {lease.TTL} s left) and delete its {lease.Keys.Count} keys: {string.Join(", ", lease.Keys.Order(StringComparer.Ordinal).Take(10))}, ...",
    };
}
