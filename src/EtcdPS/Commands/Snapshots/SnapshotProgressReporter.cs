using System.Management.Automation;
using EtcdPS.Engine.Snapshots;

namespace EtcdPS.Commands.Snapshots;

/// <summary>Turns the steps of a mount (verifying the file, restoring, starting) into one progress bar, a few updates a second.</summary>
internal sealed class SnapshotProgressReporter(string activity, Action<ProgressRecord> report) : IProgress<SnapshotMountProgress>
{
    private readonly ProgressRecord _record = new(4, activity, "Starting");
    private long _lastTicks;
    private string _lastStep = string.Empty;

    public void Report(SnapshotMountProgress value)
    {
        var now = Environment.TickCount64;
        if (value.Step == _lastStep && value.Done < value.Total && now - Interlocked.Read(ref _lastTicks) < 250)
        {
            return;
        }

        Interlocked.Exchange(ref _lastTicks, now);
        _lastStep = value.Step;
        _record.StatusDescription = value.Total > 0 ? $"{value.Step}: {ByteSize.Format(value.Done)} of {ByteSize.Format(value.Total)}" : value.Step;
        _record.PercentComplete = value.Total > 0 ? (int)(value.Done * 100 / value.Total) : -1;
        report(_record);
    }

    public void Complete()
    {
        _record.RecordType = ProgressRecordType.Completed;
        report(_record);
    }
}
