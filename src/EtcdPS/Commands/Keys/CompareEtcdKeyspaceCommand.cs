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
    [Parameter(Position = 0)]
    [ValidateNotNull]
    [ConnectionNameTransformation]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public EtcdConnection? ReferenceConnection { get; set; }

    [Parameter(Position = 1)]
    [ValidateNotNull]
    [ConnectionNameTransformation]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public EtcdConnection? DifferenceConnection { get; set; }

    [Parameter]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Prefix { get; set; } = string.Empty;

    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long ReferenceRevision { get; set; }

    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long DifferenceRevision { get; set; }

    [Parameter]
    public SwitchParameter Decode { get; set; }

    [Parameter]
    [ValidateNotNull]
    public string[]? IgnoreField { get; set; }

    [Parameter]
    public SwitchParameter ShowSecret { get; set; }

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
