using Etcdserverpb;
using EtcdPS.Engine.Cluster;
using Google.Protobuf;

namespace EtcdPS.Engine.Maintenance;

/// <summary>How the target revision of a compaction is chosen.</summary>
internal abstract record CompactionTarget
{
    /// <summary>Compact exactly to this revision.</summary>
    public sealed record Exact(long Revision) : CompactionTarget;
    /// <summary>Keep the newest <paramref name="Revisions"/> revisions of history.</summary>
    public sealed record Keep(long Revisions) : CompactionTarget;
    /// <summary>Drop history older than <paramref name="Age"/>, estimated from the write rate sampled over <paramref name="Sample"/>.</summary>
    public sealed record OlderThan(TimeSpan Age, TimeSpan Sample) : CompactionTarget;
}

/// <summary>A compaction about to be done: the numbers -WhatIf shows and the result reports.</summary>
internal sealed record CompactionPlan(long CurrentRevision, long PreviousCompactRevision, long Revision, bool IsEstimate, double? RevisionsPerSecond)
{
    /// <summary>Revisions of history that become unreadable.</summary>
    public long RevisionsLost => Math.Max(0, Revision - Math.Max(PreviousCompactRevision, 1));

    public string Describe() =>
        $"compact history below revision {Revision}{(IsEstimate ? $" (an estimate from {RevisionsPerSecond:0.##} revisions/s)" : string.Empty)}: "
        + $"{RevisionsLost} revision(s) of history would be lost (current revision {CurrentRevision}, current compact revision {PreviousCompactRevision})";
}

/// <summary>Plans and runs a compaction of the key-value history.</summary>
internal static class Compactor
{
    private static readonly ByteString AnyKey = ByteString.CopyFrom(0);

    public static async Task<CompactionPlan> PlanAsync(EtcdConnection connection, CompactionTarget target, CancellationToken cancellation)
    {
        var (client, current) = await CurrentRevisionAsync(connection, cancellation).ConfigureAwait(false);
        var previous = await CompactRevisionProbe.FindAsync(connection, client, current, cancellation).ConfigureAwait(false);
        double? rate = null;
        long revision;
        switch (target)
        {
            case CompactionTarget.Exact exact:
                revision = exact.Revision;
                break;
            case CompactionTarget.Keep keep:
                revision = current - keep.Revisions;
                break;
            case CompactionTarget.OlderThan older:
                var started = DateTime.UtcNow;
                await Task.Delay(older.Sample, cancellation).ConfigureAwait(false);
                var (_, later) = await CurrentRevisionAsync(connection, cancellation).ConfigureAwait(false);
                var seconds = (DateTime.UtcNow - started).TotalSeconds;
                rate = (later - current) / seconds;
                if (later == current)
                {
                    // With no write in the sample there is no rate to extrapolate from; guessing could drop all history.
                    throw new EtcdException(EtcdErrorIds.NothingToCompact, EtcdErrorCategory.InvalidOperation,
                        $"No write happened during the {older.Sample.TotalSeconds:0.#} s sample, so the revision written {older.Age} ago cannot be estimated.",
                        connection.Name, "Sample longer with -SampleDuration, or give -Revision or -KeepRevisions.");
                }

                current = later;
                revision = later - (long)Math.Ceiling(rate.Value * older.Age.TotalSeconds);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(target));
        }

        if (revision > current)
        {
            throw new EtcdException(EtcdErrorIds.FutureRevision, EtcdErrorCategory.InvalidArgument,
                $"Revision {revision} is newer than the current revision {current}; it cannot be compacted.", revision,
                $"Give a revision at or below {current}.") { Revision = current };
        }

        if (revision <= previous || revision < 1)
        {
            throw NothingToCompact(target, revision, previous, current, rate);
        }

        return new CompactionPlan(current, previous, revision, target is CompactionTarget.OlderThan, rate);
    }

    /// <summary>The refusal of a target at or below what is compacted already, in the terms the user gave it.</summary>
    private static EtcdException NothingToCompact(CompactionTarget target, long revision, long previous, long current, double? rate)
    {
        // The history kept runs from the oldest revision still readable to the current one.
        var oldest = Math.Max(previous, 1);
        var most = current - Math.Max(previous, 0) - 1;
        var (message, action) = target switch
        {
            CompactionTarget.Keep keep => (
                $"-KeepRevisions {keep.Revisions} keeps the whole history, which runs from revision {oldest} to the current {current}.",
                most switch
                {
                    >= 1 => $"Give -KeepRevisions {most} or less.",
                    0 => "Only -KeepRevisions 0 compacts anything now (all history but the current revision).",
                    _ => "History is compacted up to the current revision already; nothing can be compacted until keys are written.",
                }),
            CompactionTarget.OlderThan older => (
                $"No history is older than {older.Age}: at the {rate:0.##} revisions/s measured, the history kept (from revision {oldest} to {current}) is younger.",
                "Give a shorter -OlderThan, or -KeepRevisions."),
            _ => (
                previous > 0
                    ? $"History below revision {previous} was already compacted; revision {revision} adds nothing to compact."
                    : $"Revision {revision} leaves nothing to compact (current revision {current}).",
                $"Give a revision between {oldest + 1} and {current}."),
        };
        return new EtcdException(target is CompactionTarget.Exact ? EtcdErrorIds.RevisionCompacted : EtcdErrorIds.NothingToCompact,
            EtcdErrorCategory.InvalidOperation, message, revision, action) { Revision = previous };
    }

    public static async Task<EtcdCompactionResult> CompactAsync(EtcdConnection connection, CompactionPlan plan, bool physical,
        TimeSpan timeout, CancellationToken cancellation)
    {
        // Not idempotent in etcd's eyes (a second compaction to the same revision fails), so no retry on another endpoint.
        await connection.CallAsync((c, o) => c.KV.CompactAsync(new CompactionRequest { Revision = plan.Revision, Physical = physical }, o).ResponseAsync,
            cancellation, plan.Revision, idempotent: false, timeout: timeout).ConfigureAwait(false);
        return new EtcdCompactionResult
        {
            PreviousCompactRevision = plan.PreviousCompactRevision,
            CompactRevision = plan.Revision,
            CurrentRevision = plan.CurrentRevision,
            IsEstimate = plan.IsEstimate,
            Physical = physical,
        };
    }

    private static async Task<(Connection.EndpointClient Client, long Revision)> CurrentRevisionAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        Connection.EndpointClient? used = null;
        var response = await connection.CallAsync((c, o) =>
        {
            used = c;
            return c.KV.RangeAsync(new RangeRequest { Key = AnyKey, CountOnly = true }, o).ResponseAsync;
        }, cancellation).ConfigureAwait(false);
        return (used!, response.Header.Revision);
    }
}
