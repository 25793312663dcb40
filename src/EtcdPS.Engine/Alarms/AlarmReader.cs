using Etcdserverpb;

namespace EtcdPS.Engine.Alarms;

/// <summary>Lists the alarms raised in the cluster, like <c>etcdctl alarm list</c>.</summary>
internal static class AlarmReader
{
    public static async Task<IReadOnlyList<EtcdAlarm>> ListAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        var response = await connection.CallAsync((c, o) => c.Maintenance.AlarmAsync(
            new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Get }, o).ResponseAsync, cancellation).ConfigureAwait(false);
        return response.Alarms.Select(ToAlarm).ToArray();
    }

    internal static EtcdAlarm ToAlarm(AlarmMember alarm) => new()
    {
        MemberId = MemberIds.ToHex(alarm.MemberID),
        Alarm = alarm.Alarm.ToString().ToUpperInvariant(),
    };
}
