using System.Management.Automation;
using EtcdPS.Engine.Kubernetes;
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

    /// <summary>Add what changed in each value (Diff: one line per changed field, e.g. spec.replicas: 3 → 5); reads the values of the changed keys only.</summary>
    [Parameter]
    public SwitchParameter Diff { get; set; }

    /// <summary>With -Diff: more fields to leave out (JSON paths, * matches anything), besides metadata.resourceVersion, managedFields and generation.</summary>
    [Parameter]
    [ValidateNotNull]
    public string[]? IgnoreField { get; set; }

    /// <summary>With -Diff: show Secret data instead of a mask.</summary>
    [Parameter]
    public SwitchParameter ShowSecret { get; set; }

    /// <summary>With -Diff: a line diff of the raw text instead of decoding Kubernetes objects.</summary>
    [Parameter]
    public SwitchParameter Raw { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        await ResolvePrefixAsync(connection, cancellation).ConfigureAwait(false);
        var wanted = new HashSet<EtcdChangeType>(ChangeType ?? Enum.GetValues<EtcdChangeType>());
        var activity = $"Comparing '{Prefix}' between revisions {From} and {(To == 0 ? "now" : To)}";
        var found = 0;
        var diff = Diff ? DiffOptions.From(IgnoreField, ShowSecret, raw: Raw) : null;
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
