using System.Management.Automation;
using EtcdPS.Engine.Maintenance;

namespace EtcdPS.Commands.Maintenance;

/// <summary>
/// <para type="synopsis">Compacts etcd's key-value history below a revision, like etcdctl compaction.</para>
/// <para type="description">History below the revision is removed for good: reads and watches at older revisions then fail.
/// Give -Revision, -KeepRevisions (keep the newest n revisions) or -OlderThan (an estimate from a sampled write rate).
/// -WhatIf tells the revision it would compact to and how much history would be lost.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "EtcdCompaction", DefaultParameterSetName = ByRevision,
    SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EtcdCompactionResult))]
public sealed class InvokeEtcdCompactionCommand : EtcdCmdlet
{
    private const string ByRevision = "Revision";
    private const string ByKeep = "KeepRevisions";
    private const string ByAge = "OlderThan";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByRevision)]
    [ValidateRange(1, long.MaxValue)]
    public long Revision { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ByKeep)]
    [ValidateRange(0, long.MaxValue)]
    public long KeepRevisions { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ByAge)]
    public TimeSpan OlderThan { get; set; }

    [Parameter(ParameterSetName = ByAge)]
    public TimeSpan SampleDuration { get; set; } = TimeSpan.FromSeconds(5);

    [Parameter]
    public SwitchParameter Physical { get; set; }

    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        if (ParameterSetName == ByAge && (OlderThan <= TimeSpan.Zero || SampleDuration <= TimeSpan.Zero))
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                "-OlderThan and -SampleDuration must be positive time spans.", OlderThan);
        }

        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        CompactionTarget target = ParameterSetName switch
        {
            ByKeep => new CompactionTarget.Keep(KeepRevisions),
            ByAge => new CompactionTarget.OlderThan(OlderThan, SampleDuration),
            _ => new CompactionTarget.Exact(Revision),
        };
        var sampling = new ProgressRecord(1, "Invoke-EtcdCompaction", $"Sampling the write rate for {SampleDuration.TotalSeconds:0.#} s");
        if (target is CompactionTarget.OlderThan)
        {
            ReportProgress(sampling);
        }

        var plan = await Compactor.PlanAsync(connection, target, cancellation).ConfigureAwait(false);
        if (target is CompactionTarget.OlderThan)
        {
            sampling.RecordType = ProgressRecordType.Completed;
            ReportProgress(sampling);
        }

        if (plan.IsEstimate)
        {
            await WriteWarningAsync($"Revision {plan.Revision} is an estimate from the write rate over the last {SampleDuration.TotalSeconds:0.#} s "
                + $"({plan.RevisionsPerSecond:0.##} revisions/s); the real age of history at that revision may differ.").ConfigureAwait(false);
        }

        // Also as verbose text: hosts without a console (scripts, runspaces) otherwise never see the -WhatIf figures.
        await WriteVerboseAsync(plan.Describe()).ConfigureAwait(false);
        if (!await ShouldProcessAsync(string.Join(",", connection.Endpoints), plan.Describe()).ConfigureAwait(false))
        {
            return;
        }

        var result = await Compactor.CompactAsync(connection, plan, Physical, Timeout, cancellation).ConfigureAwait(false);
        await WriteObjectAsync(result).ConfigureAwait(false);
    }
}
