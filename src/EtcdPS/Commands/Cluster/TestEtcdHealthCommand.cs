using System.Management.Automation;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands.Cluster;

/// <summary>
/// <para type="synopsis">Checks each endpoint with a real linearizable read, like etcdctl endpoint health.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "EtcdHealth")]
[OutputType(typeof(EtcdHealth), typeof(bool))]
public sealed class TestEtcdHealthCommand : EtcdCmdlet
{
    [Parameter]
    public SwitchParameter Cluster { get; set; }

    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        if (!Quiet)
        {
            await CheckAsync(cancellation).ConfigureAwait(false);
            return;
        }

        try
        {
            await CheckAsync(cancellation).ConfigureAwait(false);
        }
        catch (EtcdException ex) when (!IsUsageError(ex))
        {
            // The cluster could not be reached or asked (connect from ETCDCTL_*, the member list of -Cluster): unhealthy.
            await WriteVerboseAsync($"Unhealthy: {ex.Message}").ConfigureAwait(false);
            await WriteObjectAsync(false).ConfigureAwait(false);
        }
    }

    /// <summary>Mistakes of the caller, not facts about the cluster: -Quiet still reports them as errors.</summary>
    private static bool IsUsageError(EtcdException ex) => ex.ErrorId is EtcdErrorIds.NotConnected or EtcdErrorIds.InvalidEndpoint
        or EtcdErrorIds.InvalidArgument or EtcdErrorIds.CertificateNotFound or EtcdErrorIds.InvalidCertificate;

    private async Task CheckAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var allHealthy = true;
        await foreach (var health in ClusterInspector.CheckHealthAsync(connection, Cluster, cancellation).ConfigureAwait(false))
        {
            allHealthy &= health.Healthy;
            if (!Quiet)
            {
                await WriteObjectAsync(health).ConfigureAwait(false);
            }
        }

        if (Quiet)
        {
            await WriteObjectAsync(allHealthy).ConfigureAwait(false);
        }
    }
}
