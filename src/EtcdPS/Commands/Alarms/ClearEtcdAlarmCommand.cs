using System.Management.Automation;
using EtcdPS.Engine.Alarms;

namespace EtcdPS.Commands.Alarms;

/// <summary>
/// <para type="synopsis">Clears raised alarms (NOSPACE, CORRUPT), like etcdctl alarm disarm.</para>
/// <para type="description">Without parameters every raised alarm is cleared. Clear NOSPACE only after compaction and
/// defragmentation made room: etcd raises it again on the next write that does not fit.</para>
/// </summary>
[Cmdlet(VerbsCommon.Clear, "EtcdAlarm", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EtcdAlarm))]
public sealed class ClearEtcdAlarmCommand : EtcdCmdlet
{
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MemberCompleter))]
    public string[]? MemberId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateSet("NOSPACE", "CORRUPT")]
    public string[]? Alarm { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var raised = await AlarmReader.ListAsync(connection, cancellation).ConfigureAwait(false);
        foreach (var alarm in raised)
        {
            if ((MemberId is not null && !MemberId.Any(m => SameId(m, alarm.MemberId)))
                || (Alarm is not null && !Alarm.Contains(alarm.Alarm, StringComparer.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (!await ShouldProcessAsync($"member {alarm.MemberId}", $"Clear the {alarm.Alarm} alarm").ConfigureAwait(false))
            {
                continue;
            }

            await AlarmDisarmer.DisarmAsync(connection, alarm, cancellation).ConfigureAwait(false);
            if (PassThru)
            {
                await WriteObjectAsync(alarm).ConfigureAwait(false);
            }
        }
    }

    private static bool SameId(string given, string alarmMember) =>
        MemberIds.TryParse(given, out var a) && MemberIds.TryParse(alarmMember, out var b) && a == b;
}
