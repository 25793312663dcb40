using System.Management.Automation;
using EtcdPS.Commands.Connection;
using EtcdPS.Engine.Keys;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// <para type="synopsis">Compares two keyspaces (a backup and the live cluster, a DR cluster and its source, two revisions) key by key, with field-level diffs of Kubernetes objects.</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "EtcdKeyspace")]
[OutputType(typeof(EtcdKeyspaceDifference))]
public sealed class CompareEtcdKeyspaceCommand : AsyncPSCmdlet
{
    /// <summary>The reference side (for example a mounted backup); the session's default connection when omitted.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNull]
    [ConnectionNameTransformation]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public EtcdConnection? ReferenceConnection { get; set; }

    /// <summary>The side compared with it (for example the live cluster); the session's default connection when omitted.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNull]
    [ConnectionNameTransformation]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public EtcdConnection? DifferenceConnection { get; set; }

    /// <summary>The key prefix to compare; the whole keyspace by default.</summary>
    [Parameter]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Prefix { get; set; } = string.Empty;

    /// <summary>The revision to read the reference side at; its current revision by default.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long ReferenceRevision { get; set; }

    /// <summary>The revision to read the difference side at; its current revision by default.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long DifferenceRevision { get; set; }

    /// <summary>Decode Kubernetes objects and say what changed, field by field (Diff, Changes); changes of ignored fields only are not reported.</summary>
    [Parameter]
    public SwitchParameter Decode { get; set; }

    /// <summary>With -Decode: more fields to leave out (JSON paths, * matches anything), besides metadata.resourceVersion, managedFields and generation.</summary>
    [Parameter]
    [ValidateNotNull]
    public string[]? IgnoreField { get; set; }

    /// <summary>With -Decode: show Secret data instead of a mask.</summary>
    [Parameter]
    public SwitchParameter ShowSecret { get; set; }

    /// <summary>Only these kinds of difference.</summary>
    [Parameter]
    public EtcdKeyspaceChangeType[]? ChangeType { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var fallback = Connections.Default;
        var reference = Resolve(ReferenceConnection ?? fallback, nameof(ReferenceConnection));
        var difference = Resolve(DifferenceConnection ?? fallback, nameof(DifferenceConnection));
        var wanted = new HashSet<EtcdKeyspaceChangeType>(ChangeType ?? Enum.GetValues<EtcdKeyspaceChangeType>());
        var activity = $"Comparing '{Prefix}' of {reference.Name} with {difference.Name}";
        var comparer = new KeyspaceComparer(new KeyspaceComparison
        {
            Reference = reference,
            Difference = difference,
            Prefix = Prefix,
            ReferenceRevision = ReferenceRevision,
            DifferenceRevision = DifferenceRevision,
            Diff = Decode ? DiffOptions.From(IgnoreField, ShowSecret) : null,
        })
        {
            Progress = p => ReportProgress(new ProgressRecord(5, activity,
                $"{p.ReferenceKeys} of {p.ReferenceTotal} / {p.DifferenceKeys} of {p.DifferenceTotal} keys, {p.Differences} differences")
            {
                PercentComplete = p.ReferenceTotal + p.DifferenceTotal is > 0 and var total
                    ? (int)Math.Min(100, (p.ReferenceKeys + p.DifferenceKeys) * 100 / total) : -1,
            }),
        };
        await foreach (var item in comparer.CompareAsync(cancellation).ConfigureAwait(false))
        {
            if (!wanted.Contains(item.ChangeType))
            {
                continue;
            }

            await (Decode ? WriteObjectAsync(item, "EtcdPS.EtcdKeyspaceDifference#Diff") : WriteObjectAsync(item)).ConfigureAwait(false);
        }

        ReportProgress(new ProgressRecord(5, activity, "done") { RecordType = ProgressRecordType.Completed });
        await WriteVerboseAsync($"Compared {reference.Name} at revision {comparer.ReferenceRevision} with {difference.Name} at revision {comparer.DifferenceRevision}.")
            .ConfigureAwait(false);
    }

    private static EtcdConnection Resolve(EtcdConnection? connection, string parameter) => connection switch
    {
        null => throw EtcdErrors.NotConnected($"There is no etcd connection in this session for -{parameter}.", parameter),
        { IsClosed: true } => throw connection.NotConnectedError(),
        _ => connection,
    };

}
