using System.Management.Automation;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands.Cluster;

/// <summary>
/// <para type="synopsis">Gets each member's hash of its keyspace (etcd HashKV), with the revision it covers and the compact revision, like etcdctl endpoint hashkv.</para>
/// <para type="description">Members that hold the same data give the same hash at the same revision and compact revision.
/// Test-EtcdConsistency does the comparison for you.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdHashKV")]
[OutputType(typeof(EtcdHashKV))]
public sealed class GetEtcdHashKVCommand : EtcdCmdlet
{
    [Parameter(Position = 0)]
    [ValidateRange(0, long.MaxValue)]
    public long Revision { get; set; }

    [Parameter]
    public SwitchParameter Cluster { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        await foreach (var outcome in ConsistencyChecker.GetHashesAsync(connection, Revision, Cluster, cancellation).ConfigureAwait(false))
        {
            if (outcome.Error is { } error)
            {
                await WriteErrorAsync(error).ConfigureAwait(false);
            }
            else
            {
                await WriteObjectAsync(outcome.Value).ConfigureAwait(false);
            }
        }
    }
}
