using System.Management.Automation;
using EtcdPS.Commands.Keys;
using EtcdPS.Engine.Watch;

namespace EtcdPS.Commands.Watch;

/// <summary>
/// <para type="synopsis">Lists the keys added, modified and deleted under a prefix between two revisions, without reading any value.</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "EtcdRevision", DefaultParameterSetName = "Prefix")]
[OutputType(typeof(EtcdRevisionChange))]
public sealed class CompareEtcdRevisionCommand : ValueDiffCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Prefix")]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Prefix { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = "Resource")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesResourceCompleter))]
    public string? Resource { get; set; }

    [Parameter(ParameterSetName = "Resource")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesNamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateRange(1, long.MaxValue)]
    public long From { get; set; }

    [Parameter(Position = 2)]
    [ValidateRange(1, long.MaxValue)]
    public long To { get; set; }

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
        var diff = RequestedDiff;
        await foreach (var change in RevisionComparer.CompareAsync(connection, Prefix, From, To, wanted, cancellation).ConfigureAwait(false))
        {
            if (++found % 1000 == 0)
            {
                ReportProgress(new ProgressRecord(2, activity, $"{found} changed keys so far"));
            }

            if (diff is not null)
            {
                await RevisionComparer.AddDiffAsync(connection, change, diff, cancellation).ConfigureAwait(false);
                await WriteObjectAsync(change, "EtcdPS.EtcdRevisionChange#Diff").ConfigureAwait(false);
                continue;
            }

            await WriteObjectAsync(change).ConfigureAwait(false);
        }

        ReportProgress(new ProgressRecord(2, activity, "done") { RecordType = ProgressRecordType.Completed });
        if (found == 0 && Resource is null
            && await NoMatchHint.ForAsync(connection, Prefix, prefix: true, To, cancellation, p => $"Compare-EtcdRevision '{p}' -From {From}", "Compare-EtcdRevision").ConfigureAwait(false) is { } hint)
        {
            await WriteWarningAsync(hint).ConfigureAwait(false);
        }
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
