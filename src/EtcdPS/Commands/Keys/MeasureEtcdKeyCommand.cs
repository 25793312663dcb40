using System.Management.Automation;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// <para type="synopsis">Counts keys and their bytes grouped by resource, namespace, API group or key prefix: who is using the disk.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "EtcdKey")]
[OutputType(typeof(EtcdKeyStatistics))]
public sealed class MeasureEtcdKeyCommand : KeyspaceReadCmdlet
{
    private const string Activity = "Measure-EtcdKey";

    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Prefix { get; set; } = string.Empty;

    [Parameter]
    [ValidateSet("Resource", "Namespace", "Group", "Prefix")]
    public string By { get; set; } = "Resource";

    [Parameter]
    [ValidateRange(1, 64)]
    public int Depth { get; set; } = 2;

    [Parameter]
    public SwitchParameter CountOnly { get; set; }

    [Parameter]
    public SwitchParameter Serializable { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var prefix = await ResolvePrefixAsync(connection, Prefix, cancellation).ConfigureAwait(false);
        var query = PrefixQuery(prefix) with { Serializable = Serializable };
        var meter = new KeyUsageMeter(connection, query, Enum.Parse<KeyGrouping>(By, ignoreCase: true), Depth)
        {
            Progress = p => ReportProgress(KeyReadProgress.For(3, Activity, p)),
        };
        var statistics = CountOnly
            ? await meter.CountAsync(cancellation).ConfigureAwait(false)
            : await meter.MeasureAsync(cancellation).ConfigureAwait(false);
        ReportProgress(KeyReadProgress.Completed(3, Activity));
        foreach (var group in statistics)
        {
            await WriteObjectAsync(group).ConfigureAwait(false);
        }

        await WriteVerboseAsync(KeyReadProgress.Summary(meter.Reader)).ConfigureAwait(false);
        if (statistics.Count == 0 && Resource is null
            && await NoMatchHint.ForAsync(connection, Prefix, prefix: true, meter.Reader.Revision, cancellation, p => $"Measure-EtcdKey '{p}'").ConfigureAwait(false) is { } hint)
        {
            await WriteWarningAsync(hint).ConfigureAwait(false);
        }
    }
}
