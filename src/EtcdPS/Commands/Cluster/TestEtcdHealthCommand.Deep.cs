using System.Management.Automation;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands.Cluster;

/// <summary>Test-EtcdHealth -Deep: the checks of <see cref="DeepHealthChecker"/> as objects, with their thresholds as parameters.</summary>
public sealed partial class TestEtcdHealthCommand
{
    private const string DeepSet = "Deep";

    [Parameter(ParameterSetName = DeepSet)]
    public SwitchParameter Deep { get; set; }

    [Parameter(ParameterSetName = DeepSet)]
    [ValidateRange(0d, 100000d)]
    public double MaxWalFsyncMs { get; set; } = 10;

    [Parameter(ParameterSetName = DeepSet)]
    [ValidateRange(0d, 100000d)]
    public double MaxBackendCommitMs { get; set; } = 25;

    [Parameter(ParameterSetName = DeepSet)]
    [ValidateRange(0d, 100d)]
    public double QuotaWarnPercent { get; set; } = 80;

    [Parameter(ParameterSetName = DeepSet)]
    [ValidateRange(0d, 100d)]
    public double QuotaFailPercent { get; set; } = 95;

    [Parameter(ParameterSetName = DeepSet)]
    [ValidateRange(0d, 100d)]
    public double FragmentationWarnPercent { get; set; } = 50;

    [Parameter(ParameterSetName = DeepSet)]
    [ValidateRange(0, int.MaxValue)]
    public int MaxLeaderChanges { get; set; }

    [Parameter(ParameterSetName = DeepSet)]
    [ValidateRange(0, int.MaxValue)]
    public int MaxFailedProposals { get; set; }

    [Parameter(ParameterSetName = DeepSet)]
    [ValidateRange(0L, long.MaxValue)]
    public long MaxApplyGap { get; set; } = 5000;

    [Parameter(ParameterSetName = DeepSet)]
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A threshold without -Deep would be ignored silently; say so instead.</summary>
    private void RequireDeepForThresholds()
    {
        if (!Deep && ParameterSetName == DeepSet)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                "The thresholds and -SampleInterval apply to the deep checks only.", null, "Add -Deep.");
        }
    }

    private async Task CheckDeepAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        if (SampleInterval < TimeSpan.Zero || SampleInterval > TimeSpan.FromHours(1))
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"-SampleInterval {SampleInterval} is out of range.", SampleInterval, "Give a -SampleInterval between 00:00:00 and 01:00:00.");
        }

        if (QuotaWarnPercent > QuotaFailPercent)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"-QuotaWarnPercent {QuotaWarnPercent} is above -QuotaFailPercent {QuotaFailPercent}.", QuotaWarnPercent,
                "Give a -QuotaWarnPercent at or below -QuotaFailPercent.");
        }

        var options = new DeepHealthOptions
        {
            MaxWalFsyncMs = MaxWalFsyncMs,
            MaxBackendCommitMs = MaxBackendCommitMs,
            QuotaWarnPercent = QuotaWarnPercent,
            QuotaFailPercent = QuotaFailPercent,
            FragmentationWarnPercent = FragmentationWarnPercent,
            MaxLeaderChanges = MaxLeaderChanges,
            MaxFailedProposals = MaxFailedProposals,
            MaxApplyGap = MaxApplyGap,
            SampleInterval = SampleInterval,
        };
        var checks = await DeepHealthChecker.CheckAsync(connection, options,
            p => ReportProgress(new ProgressRecord(2, "Test-EtcdHealth -Deep", p.Activity) { PercentComplete = p.Percent }),
            cancellation).ConfigureAwait(false);
        ReportProgress(new ProgressRecord(2, "Test-EtcdHealth -Deep", "Done") { RecordType = ProgressRecordType.Completed });
        if (Quiet)
        {
            await WriteObjectAsync(checks.All(c => c.Status != EtcdCheckStatus.Fail)).ConfigureAwait(false);
            return;
        }

        await WriteObjectAsync(checks, enumerate: true).ConfigureAwait(false);
    }
}
