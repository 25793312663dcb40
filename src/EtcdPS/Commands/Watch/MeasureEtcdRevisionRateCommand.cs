using System.Management.Automation;
using EtcdPS.Engine.Watch;

namespace EtcdPS.Commands.Watch;

/// <summary>
/// <para type="synopsis">Measures how fast the cluster revision grows (write transactions per second and minute), optionally per Kubernetes resource.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "EtcdRevisionRate", DefaultParameterSetName = OnceSet)]
[OutputType(typeof(EtcdRevisionRate))]
public sealed class MeasureEtcdRevisionRateCommand : EtcdCmdlet
{
    private const string OnceSet = "Once";
    private const string ContinuousSet = "Continuous";
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(10);

    [Parameter(Position = 0, ParameterSetName = OnceSet)]
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(10);

    [Parameter]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    [Parameter]
    public SwitchParameter ByResource { get; set; }

    [Parameter]
    public SwitchParameter ByManager { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ContinuousSet)]
    public SwitchParameter Continuous { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        // A bare number converts to a TimeSpan of that many ticks: refuse intervals too short to be meant.
        if (Interval < MinimumInterval || (!Continuous && Duration < Interval))
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"-Interval must be at least {MinimumInterval.TotalMilliseconds} ms and not longer than -Duration (got {Interval} and {Duration}).", Interval,
                "For example: -Duration 00:01:00 -Interval 00:00:05.");
        }

        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        if (Continuous)
        {
            await foreach (var rate in RevisionRateSampler.ContinuousAsync(connection, Interval, ByResource, cancellation, ByManager).ConfigureAwait(false))
            {
                await WriteObjectAsync(rate).ConfigureAwait(false);
            }

            return;
        }

        var activity = $"Measuring the revision rate for {Duration}";
        var progress = new ImmediateProgress(p => ReportProgress(new ProgressRecord(1, activity, $"revision {p.Revision}")
        {
            PercentComplete = (int)Math.Clamp(100 * p.Elapsed.TotalMilliseconds / p.Total.TotalMilliseconds, 0, 100),
            SecondsRemaining = (int)Math.Ceiling((p.Total - p.Elapsed).TotalSeconds),
        }));
        var result = await RevisionRateSampler.MeasureAsync(connection, Interval, Duration, ByResource, progress, cancellation,
            partial => KeepAfterStopAsync("LastEtcdRevisionRate", partial, $"Stopped early; partial measurement: {partial}."), ByManager).ConfigureAwait(false);
        ReportProgress(new ProgressRecord(1, activity, "done") { RecordType = ProgressRecordType.Completed });
        await WriteObjectAsync(result).ConfigureAwait(false);
    }

    // Progress<T> would report later on the thread pool, possibly after the Completed record; report at once instead.
    private sealed class ImmediateProgress(Action<RevisionRateProgress> report) : IProgress<RevisionRateProgress>
    {
        public void Report(RevisionRateProgress value) => report(value);
    }
}
