using System.Management.Automation;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands.Cluster;

/// <summary>
/// <para type="synopsis">Gets the status of each etcd endpoint (or, with -Cluster, of every member), like etcdctl endpoint status.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdStatus")]
[OutputType(typeof(EtcdStatus))]
public sealed class GetEtcdStatusCommand : EtcdCmdlet
{
    [Parameter]
    public SwitchParameter Cluster { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        await WriteOutcomesAsync(ClusterInspector.GetStatusAsync(connection, Cluster, cancellation), cancellation).ConfigureAwait(false);
    }
}
