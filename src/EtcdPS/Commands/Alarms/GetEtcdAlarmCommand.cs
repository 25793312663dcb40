using System.Management.Automation;
using EtcdPS.Engine.Alarms;

namespace EtcdPS.Commands.Alarms;

/// <summary>
/// <para type="synopsis">Lists the alarms raised in the cluster (NOSPACE, CORRUPT), like etcdctl alarm list.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdAlarm")]
[OutputType(typeof(EtcdAlarm))]
public sealed class GetEtcdAlarmCommand : EtcdCmdlet
{
    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        foreach (var alarm in await AlarmReader.ListAsync(connection, cancellation).ConfigureAwait(false))
        {
            await WriteObjectAsync(alarm).ConfigureAwait(false);
        }
    }
}
