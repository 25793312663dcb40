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
    /// <summary>Members to defragment, by client URL or member name; the connection's endpoints when omitted (all members with -Cluster).</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("ClientUrls")]
    [ArgumentCompleter(typeof(MemberCompleter))]
    [ValidateNotNullOrEmpty]
    public string[]? Endpoint { get; set; }

    /// <summary>Every member in the member list, not only the connection's endpoints.</summary>
    [Parameter]
    public SwitchParameter Cluster { get; set; }

    /// <summary>Deadline of each member's defragment call (default 30 minutes).</summary>
    [Parameter]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Move leadership to the healthiest follower before the leader is defragmented (as etcd-defrag does).</summary>
    [Parameter]
    public SwitchParameter MoveLeader { get; set; }

    /// <summary>How long to wait for a defragmented member to answer again before the next one (default 5 minutes).</summary>
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
        var done = 0;
        var progress = new ProgressRecord(2, "Invoke-EtcdDefragmentation", "Starting");
        async Task<bool> Approve(DefragTarget member)
        {
            if (!await ShouldProcessAsync(member.ToString(), "Defragment (the member answers no request until it is done)").ConfigureAwait(false))
            {
                return false;
            }

            progress.StatusDescription = $"Defragmenting {member} ({done + 1} of {plan.Count})";
            progress.PercentComplete = done * 100 / plan.Count;
            ReportProgress(progress);
            return true;
        }

        void Report(string status)
        {
            progress.StatusDescription = status;
            ReportProgress(progress);
        }

        await foreach (var outcome in Defragmenter.DefragmentAsync(connection, plan, Approve, Timeout, MoveLeader, SettleTimeout, Report, cancellation)
            .ConfigureAwait(false))
        {
            done++;
            if (outcome.Error is { } error)
            {
                await WriteErrorAsync(error).ConfigureAwait(false);
            }
            else
            {
                await WriteObjectAsync(outcome.Value).ConfigureAwait(false);
            }
        }

        progress.RecordType = ProgressRecordType.Completed;
        ReportProgress(progress);
    }
}
