using System.Management.Automation;
using EtcdPS.Commands.Keys;
using EtcdPS.Engine.Watch;

namespace EtcdPS.Commands.Watch;

/// <summary>
/// <para type="synopsis">Lists the keys added, modified and deleted under a prefix between two revisions, without reading any value.</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "EtcdRevision", DefaultParameterSetName = "Prefix")]
[OutputType(typeof(EtcdRevisionChange))]
public sealed class CompareEtcdRevisionCommand : EtcdCmdlet
{
    /// <summary>The key prefix to compare; an empty string compares the whole keyspace.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Prefix")]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Prefix { get; set; } = string.Empty;

    /// <summary>Instead of a prefix: the Kubernetes resource (pods, deployments.apps, a custom resource's plural).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Resource")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesResourceCompleter))]
    public string? Resource { get; set; }

    /// <summary>With -Resource: only the objects of this namespace.</summary>
    [Parameter(ParameterSetName = "Resource")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesNamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>The earlier revision.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateRange(1, long.MaxValue)]
    public long From { get; set; }

    /// <summary>The later revision; the current revision when omitted.</summary>
    [Parameter(Position = 2)]
    [ValidateRange(1, long.MaxValue)]
    public long To { get; set; }

    /// <summary>Only these kinds of change. Without Deleted, a single listing filtered by ModRevision on the server is enough.</summary>
    [Parameter]
    public EtcdChangeType[]? ChangeType { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        await ResolvePrefixAsync(connection, cancellation).ConfigureAwait(false);
        var wanted = new HashSet<EtcdChangeType>(ChangeType ?? Enum.GetValues<EtcdChangeType>());
        var activity = $"Comparing '{Prefix}' between revisions {From} and {(To == 0 ? "now" : To)}";
        var found = 0;
        await foreach (var change in RevisionComparer.CompareAsync(connection, Prefix, From, To, wanted, cancellation).ConfigureAwait(false))
        {
            if (++found % 1000 == 0)
            {
                ReportProgress(new ProgressRecord(2, activity, $"{found} changed keys so far"));
            }

            await WriteObjectAsync(change).ConfigureAwait(false);
        }

        ReportProgress(new ProgressRecord(2, activity, "done") { RecordType = ProgressRecordType.Completed });
    }

    private async Task ResolvePrefixAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        if (Resource is not null)
        {
            Prefix = (await KubernetesAddressing.ResolveAsync(connection, Resource, Namespace, null, null, To, cancellation).ConfigureAwait(false)).KeyText;
        }
        else if (await KubernetesAddressing.SiblingWarningAsync(connection, Prefix, To, cancellation).ConfigureAwait(false) is { } warning)
        {
            await WriteWarningAsync(warning).ConfigureAwait(false);
        }
    }
}
