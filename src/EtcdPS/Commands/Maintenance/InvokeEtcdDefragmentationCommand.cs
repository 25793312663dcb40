using System.Management.Automation;
using EtcdPS.Engine.Maintenance;

namespace EtcdPS.Commands.Maintenance;

/// <summary>
/// <para type="synopsis">Defragments etcd members one at a time (followers first, the leader last) and reports the space returned.</para>
/// <para type="description">A member serves no request while it defragments. This cmdlet does one member at a time, with a long
/// per-call timeout (etcdctl's 5 s default is too short for a large database), and outputs one EtcdDefragResult per member with
/// the database sizes before and after. Compact first (Invoke-EtcdCompaction): defragmentation only returns pages compaction freed.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "EtcdDefragmentation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EtcdDefragResult))]
public sealed class InvokeEtcdDefragmentationCommand : EtcdCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ClientUrls")]
    [ArgumentCompleter(typeof(MemberCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Endpoint { get; set; }

    [Parameter]
    public SwitchParameter Cluster { get; set; }

    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    [Parameter]
    public SwitchParameter MoveLeader { get; set; }

    [Parameter]
    public TimeSpan SettleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    private readonly List<string> _endpoints = [];

    /// <inheritdoc />
    protected override Task ProcessRecordAsync(CancellationToken cancellation)
    {
        _endpoints.AddRange(Endpoint ?? []);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var plan = await Defragmenter.PlanAsync(connection, _endpoints.Distinct(StringComparer.OrdinalIgnoreCase).ToArray(), Cluster, cancellation)
            .ConfigureAwait(false);
        // The plan first, asked about once (not one prompt per member between result rows): -WhatIf lists it whole.
        var order = string.Join(", then ", plan.Select(p => p.ToString()));
        var refusal = Defragmenter.Refusal(plan);
        if (refusal is not null)
        {
            if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var whatIf) && (SwitchParameter)whatIf)
            {
                await ShouldProcessAsync(order, "Defragment one at a time (refused: a member does not answer)").ConfigureAwait(false);
                await WriteWarningAsync(refusal.Message).ConfigureAwait(false);
                return;
            }

            throw refusal;
        }

        if (!await ShouldProcessAsync(order, $"Defragment {plan.Count} member(s) one at a time, in this order (each answers no request until it is done)").ConfigureAwait(false))
        {
            return;
        }

        var done = 0;
        var progress = new ProgressRecord(2, "Invoke-EtcdDefragmentation", "Starting");
        Task<bool> Approve(DefragTarget member)
        {
            progress.StatusDescription = $"Defragmenting {member} ({done + 1} of {plan.Count})";
            progress.PercentComplete = done * 100 / plan.Count;
            ReportProgress(progress);
            done++;
            return Task.FromResult(true);
        }

        void Report(string status)
        {
            progress.StatusDescription = status;
            ReportProgress(progress);
        }

        await WriteOutcomesAsync(Defragmenter.DefragmentAsync(connection, plan, Approve, Timeout, MoveLeader, SettleTimeout, Report, cancellation),
            cancellation).ConfigureAwait(false);

        progress.RecordType = ProgressRecordType.Completed;
        ReportProgress(progress);
    }
}
