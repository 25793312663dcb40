using System.Diagnostics;
using System.Management.Automation;
using EtcdPS.Engine.Reports;

namespace EtcdPS.Commands.Reports;

/// <summary>
/// <para type="synopsis">Writes one self-contained HTML report of the cluster: members, health checks, database gauges, keyspace treemap, write rate by resource, largest objects, history and recommendations.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "EtcdReport", SupportsShouldProcess = true)]
[OutputType(typeof(EtcdReportFile))]
public sealed class ExportEtcdReportCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Prefix { get; set; } = string.Empty;

    [Parameter]
    public TimeSpan SampleDuration { get; set; } = TimeSpan.FromMinutes(1);

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        if (SampleDuration < TimeSpan.FromSeconds(1) || SampleDuration > TimeSpan.FromHours(1))
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"-SampleDuration {SampleDuration} is out of range.", SampleDuration, "Give a -SampleDuration between 00:00:01 and 01:00:00.");
        }

        var path = await ResolvePathAsync(Path).ConfigureAwait(false);
        ReportFileWriter.CheckTarget(path, Force);
        if (!await ShouldProcessAsync(path, "Write an etcd report").ConfigureAwait(false))
        {
            return;
        }

        var watch = Stopwatch.StartNew();
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var options = new ReportOptions { Prefix = Prefix, SampleDuration = SampleDuration };
        var data = await ReportCollector.CollectAsync(connection, options,
            p => ReportProgress(new ProgressRecord(3, "Export-EtcdReport", p.Activity) { PercentComplete = Math.Clamp(p.Percent, 0, 100) }),
            cancellation).ConfigureAwait(false);
        ReportProgress(new ProgressRecord(3, "Export-EtcdReport", "Writing the report") { PercentComplete = 99 });
        var size = await ReportFileWriter.WriteAsync(path, ReportHtml.Render(data), Force, cancellation).ConfigureAwait(false);
        ReportProgress(new ProgressRecord(3, "Export-EtcdReport", "Done") { RecordType = ProgressRecordType.Completed });
        await WriteObjectAsync(new EtcdReportFile
        {
            Path = path,
            Size = size,
            Took = watch.Elapsed.TotalMilliseconds,
            Members = data.Members.Count,
            Keys = data.Keys,
            Failed = data.Checks.Count(c => c.Status == EtcdCheckStatus.Fail),
            Warnings = data.Checks.Count(c => c.Status == EtcdCheckStatus.Warn),
        }).ConfigureAwait(false);
    }
}
