using System.Runtime.CompilerServices;
using EtcdPS.Engine.Kubernetes;
using Google.Protobuf;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Engine.Watch;

/// <summary>Where a measurement is: elapsed and total time, and the latest revision.</summary>
internal readonly record struct RevisionRateProgress(TimeSpan Elapsed, TimeSpan Total, long Revision);

/// <summary>
/// Samples the cluster revision on a fixed schedule (no drift: sample k is due at start + k * interval). The per-resource
/// breakdown replays the measured period afterwards with a watch from the first sampled revision + 1 to the last one,
/// so every write of the period is attributed exactly once to its key's resource and namespace.
/// </summary>
internal static class RevisionRateSampler
{
    /// <summary>
    /// Samples the revision every <paramref name="interval"/> for <paramref name="duration"/>. Stopped early, it hands
    /// <paramref name="partial"/> what was measured so far (IsPartial) before the cancellation ends it, so the caller can
    /// still show it.
    /// </summary>
    public static async Task<EtcdRevisionRate> MeasureAsync(EtcdConnection connection, TimeSpan interval, TimeSpan duration, bool byResource,
        IProgress<RevisionRateProgress>? progress, CancellationToken cancellation, Func<EtcdRevisionRate, Task>? partial = null, bool byManager = false)
    {
        var samples = new List<EtcdRevisionSample> { await SampleAsync(connection, cancellation).ConfigureAwait(false) };
        var started = samples[0].Time;
        try
        {
            for (var k = 1; ; k++)
            {
                var due = TimeSpan.FromTicks(Math.Min(interval.Ticks * k, duration.Ticks));
                var wait = started + due - DateTimeOffset.Now;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellation).ConfigureAwait(false);
                }

                samples.Add(await SampleAsync(connection, cancellation).ConfigureAwait(false));
                progress?.Report(new RevisionRateProgress(due, duration, samples[^1].Revision));
                if (due >= duration)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (partial is not null && cancellation.IsCancellationRequested)
        {
            await partial(await PartialAsync(connection, samples).ConfigureAwait(false)).ConfigureAwait(false);
            throw;
        }

        return await BuildAsync(connection, samples, byResource, byManager, cancellation).ConfigureAwait(false);
    }

    /// <summary>One measurement per interval, until cancelled.</summary>
    public static async IAsyncEnumerable<EtcdRevisionRate> ContinuousAsync(EtcdConnection connection, TimeSpan interval, bool byResource,
        [EnumeratorCancellation] CancellationToken cancellation, bool byManager = false)
    {
        var previous = await SampleAsync(connection, cancellation).ConfigureAwait(false);
        var started = previous.Time;
        for (var k = 1; ; k++)
        {
            var wait = started + (interval * k) - DateTimeOffset.Now;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellation).ConfigureAwait(false);
            }

            var sample = await SampleAsync(connection, cancellation).ConfigureAwait(false);
            yield return await BuildAsync(connection, [previous, sample], byResource, byManager, cancellation).ConfigureAwait(false);
            previous = sample;
        }
    }

    /// <summary>The samples so far, plus one last sample taken now (briefly, the caller's cancellation has fired already).</summary>
    private static async Task<EtcdRevisionRate> PartialAsync(EtcdConnection connection, List<EtcdRevisionSample> samples)
    {
        try
        {
            using var brief = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            samples.Add(await SampleAsync(connection, brief.Token).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is OperationCanceledException or EtcdException)
        {
            // The samples so far must do.
        }

        return new EtcdRevisionRate
        {
            StartTime = samples[0].Time,
            EndTime = samples[^1].Time,
            StartRevision = samples[0].Revision,
            EndRevision = samples[^1].Revision,
            Samples = [.. samples],
            IsPartial = true,
        };
    }

    private static async Task<EtcdRevisionSample> SampleAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        var revision = await RevisionReads.CurrentRevisionAsync(connection, cancellation).ConfigureAwait(false);
        return new EtcdRevisionSample { Time = DateTimeOffset.Now, Revision = revision };
    }

    private static async Task<EtcdRevisionRate> BuildAsync(EtcdConnection connection, List<EtcdRevisionSample> samples, bool byResource,
        bool byManager, CancellationToken cancellation)
    {
        var rate = new EtcdRevisionRate
        {
            StartTime = samples[0].Time,
            EndTime = samples[^1].Time,
            StartRevision = samples[0].Revision,
            EndRevision = samples[^1].Revision,
            Samples = [.. samples],
        };
        if (!byResource && !byManager)
        {
            return rate;
        }

        var breakdown = await BreakDownAsync(connection, rate, byManager, cancellation).ConfigureAwait(false);
        return new EtcdRevisionRate
        {
            StartTime = rate.StartTime,
            EndTime = rate.EndTime,
            StartRevision = rate.StartRevision,
            EndRevision = rate.EndRevision,
            Samples = rate.Samples,
            ByResource = byResource ? breakdown.ByResource : [],
            ResourceTotals = byResource ? breakdown.Totals : [],
            ByManager = breakdown.ByManager,
        };
    }

    private static async Task<(EtcdResourceWriteRate[] ByResource, EtcdResourceWriteRate[] Totals, EtcdManagerWriteRate[] ByManager)> BreakDownAsync(
        EtcdConnection connection, EtcdRevisionRate rate, bool byManager, CancellationToken cancellation)
    {
        if (rate.Revisions == 0)
        {
            return ([], [], []);
        }

        var counts = new Dictionary<(string Group, string Resource, string Namespace, string Prefix), long>();
        var managers = new Dictionary<(string Manager, string Operation, string Group, string Resource), (long Writes, long NoOps)>();
        var watcher = new ResumingWatcher(connection, new WatchOptions
        {
            Range = KeyRange.All,
            StartRevision = rate.StartRevision + 1,
            StopAtRevision = rate.EndRevision,
            // The previous values are needed only to tell which manager changed an object.
            PrevKv = byManager,
        });
        await foreach (var e in watcher.WatchAsync(cancellation).ConfigureAwait(false))
        {
            if (e.ModRevision > rate.EndRevision)
            {
                break;
            }

            var group = e.Resource.Length > 0 ? (e.Group, e.Resource, e.Namespace, string.Empty) : (string.Empty, string.Empty, string.Empty, TopSegment(e.Key));
            counts[group] = counts.GetValueOrDefault(group) + 1;
            if (byManager && e.Resource.Length > 0)
            {
                var (manager, operation) = e.Type == EtcdWatchEventType.Delete
                    ? (ManagedFieldsAttribution.Deleted, string.Empty)
                    : ManagedFieldsAttribution.Attribute(e.PrevModRevision > 0 ? e.PrevRawValue : null, e.RawValue);
                var key = (manager, operation, e.Group, e.Resource);
                var (writes, noOps) = managers.GetValueOrDefault(key);
                managers[key] = (writes + 1, noOps + (e.NoOp == true ? 1 : 0));
            }
        }

        var total = Math.Max(1, counts.Values.Sum());
        var seconds = rate.Duration / 1000;
        var byResource = Rows(counts.Select(c => (c.Key, c.Value)), total, seconds);
        var totals = Rows(counts.Where(c => c.Key.Resource.Length > 0)
            .GroupBy(c => (c.Key.Group, c.Key.Resource))
            .Select(g => ((g.Key.Group, g.Key.Resource, "*", string.Empty), g.Sum(c => c.Value))), total, seconds);
        var byManagerRows = managers
            .OrderByDescending(m => m.Value.Writes)
            .ThenBy(m => m.Key.Manager, StringComparer.Ordinal)
            .ThenBy(m => m.Key.Resource, StringComparer.Ordinal)
            .Select(m => new EtcdManagerWriteRate
            {
                Manager = m.Key.Manager,
                Operation = m.Key.Operation,
                Group = m.Key.Group,
                Resource = m.Key.Resource,
                Writes = m.Value.Writes,
                NoOps = m.Value.NoOps,
                PerSecond = seconds > 0 ? m.Value.Writes / seconds : 0,
                Share = (double)m.Value.Writes / total,
            })
            .ToArray();
        return (byResource, totals, byManagerRows);
    }

    private static EtcdResourceWriteRate[] Rows(IEnumerable<((string Group, string Resource, string Namespace, string Prefix) Key, long Value)> counts,
        long total, double seconds)
    {
        return counts
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key.Resource, StringComparer.Ordinal)
            .ThenBy(c => c.Key.Namespace, StringComparer.Ordinal)
            .Select(c => new EtcdResourceWriteRate
            {
                Group = c.Key.Group,
                Resource = c.Key.Resource,
                Namespace = c.Key.Namespace,
                Prefix = c.Key.Prefix,
                Writes = c.Value,
                PerSecond = seconds > 0 ? c.Value / seconds : 0,
                Share = (double)c.Value / total,
            })
            .ToArray();
    }

    private static string TopSegment(string key)
    {
        if (KubernetesPrefixes.IsKubernetesKey(key))
        {
            return key[..(key.IndexOf('/', 1) + 1)];
        }

        var slash = key.IndexOf('/', key.StartsWith('/') ? 1 : 0);
        return slash < 0 ? key : key[..slash];
    }
}
