using System.Management.Automation;
using EtcdPS.Engine.Leases;

namespace EtcdPS.Commands.Leases;

/// <summary>
/// <para type="synopsis">Lists leases with their remaining and granted TTL and, with -Keys, the keys attached to them.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdLease")]
[OutputType(typeof(EtcdLease))]
public sealed class GetEtcdLeaseCommand : EtcdCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Lease")]
    [ValidateNotNullOrEmpty]
    [LeaseIdTransformation]
    [ArgumentCompleter(typeof(LeaseCompleter))]
    public long[]? Id { get; set; }

    [Parameter]
    public SwitchParameter Keys { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        long[]? ids = null;
        if (Id is not null)
        {
            // Keys piped in without a lease carry Lease 0: nothing to show for them.
            ids = Id.Where(i => i != 0).ToArray();
            if (ids.Length == 0)
            {
                return;
            }
        }

        await WriteOutcomesAsync(LeaseReader.GetAsync(connection, ids, Keys, cancellation), cancellation).ConfigureAwait(false);
    }
}
