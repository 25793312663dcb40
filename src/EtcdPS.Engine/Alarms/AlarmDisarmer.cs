using Etcdserverpb;

namespace EtcdPS.Engine.Alarms;

/// <summary>Deactivates alarms, like <c>etcdctl alarm disarm</c>, one member and alarm at a time.</summary>
internal static class AlarmDisarmer
{
    /// <summary>Deactivates one alarm; returns the alarms still raised afterwards, as etcd reports them.</summary>
    public static async Task<IReadOnlyList<EtcdAlarm>> DisarmAsync(EtcdConnection connection, EtcdAlarm alarm, CancellationToken cancellation)
    {
        if (!MemberIds.TryParse(alarm.MemberId, out var memberId))
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"'{alarm.MemberId}' is not a member id in hex.", alarm.MemberId, "Get-EtcdAlarm shows the member ids of raised alarms.");
        }

        if (!Enum.TryParse<AlarmType>(alarm.Alarm, ignoreCase: true, out var type) || type == AlarmType.None)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"'{alarm.Alarm}' is not an etcd alarm (NOSPACE, CORRUPT).", alarm.Alarm);
        }

        var response = await connection.CallAsync((c, o) => c.Maintenance.AlarmAsync(new AlarmRequest
        {
            Action = AlarmRequest.Types.AlarmAction.Deactivate,
            MemberID = memberId,
            Alarm = type,
        }, o).ResponseAsync, cancellation, alarm.ToString(), idempotent: true).ConfigureAwait(false);
        return response.Alarms.Select(AlarmReader.ToAlarm).ToArray();
    }
}
