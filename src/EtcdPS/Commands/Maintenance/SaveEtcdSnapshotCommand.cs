using System.Management.Automation;
using EtcdPS.Engine.Maintenance;

namespace EtcdPS.Commands.Maintenance;

/// <summary>
/// <para type="synopsis">Saves a snapshot of the etcd database to a file, verified with etcd's own sha256 checksum.</para>
/// <para type="description">The snapshot streams to &lt;Path&gt;.part and is renamed to &lt;Path&gt; only after the checksum etcd appends
/// matched: a failure or Ctrl+C deletes the partial file and never leaves anything under the final name.</para>
/// </summary>
[Cmdlet(VerbsData.Save, "EtcdSnapshot", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(EtcdSnapshotInfo))]
public sealed class SaveEtcdSnapshotCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(MemberCompleter))]
    public string? Endpoint { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var path = await ResolvePathAsync(Path).ConfigureAwait(false);
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        if (!await ShouldProcessAsync(path, "Save etcd snapshot").ConfigureAwait(false))
        {
            return;
        }

        var record = new ProgressRecord(3, "Save-EtcdSnapshot", $"Receiving into {SnapshotWriter.PartialPath(path)}");
        // Reported inline (not through Progress<T>, which queues to the thread pool and could draw a late bar after completion).
        var progress = new ThrottledProgress(p =>
        {
            record.StatusDescription = $"{ByteSize.Format(p.Received)} of {ByteSize.Format(p.Total)}";
            record.PercentComplete = p.Total > 0 ? (int)(p.Received * 100 / p.Total) : -1;
            ReportProgress(record);
        });
        var info = await SnapshotWriter.SaveAsync(connection, path, Force, Endpoint, progress, cancellation)
            .ConfigureAwait(false);
        record.RecordType = ProgressRecordType.Completed;
        ReportProgress(record);
        await WriteObjectAsync(info).ConfigureAwait(false);
    }

    /// <summary>Forwards at most a few progress reports per second: a snapshot comes in many small chunks.</summary>
    private sealed class ThrottledProgress(Action<SnapshotProgress> report) : IProgress<SnapshotProgress>
    {
        private long _lastTicks;

        public void Report(SnapshotProgress value)
        {
            var now = Environment.TickCount64;
            if (now - _lastTicks >= 250 || value.Received == value.Total)
            {
                _lastTicks = now;
                report(value);
            }
        }
    }
}
