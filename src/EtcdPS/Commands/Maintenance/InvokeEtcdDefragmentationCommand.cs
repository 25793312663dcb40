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
        // Members are done one after the other and each approved one yields exactly one outcome before the next is
        // asked about, so the members approved before this one are the members done.
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
            done++;
            return true;
        }

        await WriteOutcomesAsync(Defragmenter.DefragmentAsync(connection, plan, Approve, Timeout, cancellation), cancellation).ConfigureAwait(false);

        progress.RecordType = ProgressRecordType.Completed;
        ReportProgress(progress);
    }
}
