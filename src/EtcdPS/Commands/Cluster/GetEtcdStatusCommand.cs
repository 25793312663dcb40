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
    /// <summary>Ask every member of the cluster (found through the member list), not only the connection's endpoints.</summary>
    [Parameter]
    public SwitchParameter Cluster { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        await foreach (var outcome in ClusterInspector.GetStatusAsync(connection, Cluster, cancellation).ConfigureAwait(false))
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

/// <summary>
/// <para type="synopsis">Checks each endpoint with a real linearizable read, like etcdctl endpoint health.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "EtcdHealth", DefaultParameterSetName = "Endpoints")]
[OutputType(typeof(EtcdHealth), typeof(bool))]
[OutputType(typeof(EtcdHealthCheck), ParameterSetName = ["Deep"])]
public sealed partial class TestEtcdHealthCommand : EtcdCmdlet
{
    /// <summary>Check every member of the cluster, not only the connection's endpoints.</summary>
    [Parameter]
    public SwitchParameter Cluster { get; set; }

    /// <summary>Return one boolean: true when every endpoint is healthy (with -Deep: no check failed), false when one is not or none can be reached.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        RequireDeepForThresholds();
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
        if (Deep)
        {
            await CheckDeepAsync(connection, cancellation).ConfigureAwait(false);
            return;
        }

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

/// <summary>
/// <para type="synopsis">Lists the members of the cluster, like etcdctl member list.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdMember")]
[OutputType(typeof(EtcdMember))]
public sealed class GetEtcdMemberCommand : EtcdCmdlet
{
    /// <summary>Member names (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(MemberCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var member in await ClusterInspector.ListMembersAsync(connection, cancellation).ConfigureAwait(false))
        {
            if (patterns is null || patterns.Any(p => p.IsMatch(member.Name)))
            {
                await WriteObjectAsync(member).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>
/// <para type="synopsis">Lists the alarms raised in the cluster (NOSPACE, CORRUPT), like etcdctl alarm list.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdAlarm")]
[OutputType(typeof(EtcdAlarm))]
public sealed class GetEtcdAlarmCommand : EtcdCmdlet
{
    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        foreach (var alarm in await ClusterInspector.ListAlarmsAsync(connection, cancellation).ConfigureAwait(false))
        {
            await WriteObjectAsync(alarm).ConfigureAwait(false);
        }
    }
}
