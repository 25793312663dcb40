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
        IProgress<RevisionRateProgress>? progress, CancellationToken cancellation, Func<EtcdRevisionRate, Task>? partial = null)
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

        return await BuildAsync(connection, samples, byResource, cancellation).ConfigureAwait(false);
    }

    /// <summary>One measurement per interval, until cancelled.</summary>
    public static async IAsyncEnumerable<EtcdRevisionRate> ContinuousAsync(EtcdConnection connection, TimeSpan interval, bool byResource,
        [EnumeratorCancellation] CancellationToken cancellation)
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
            yield return await BuildAsync(connection, [previous, sample], byResource, cancellation).ConfigureAwait(false);
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
        CancellationToken cancellation)
    {
        var rate = new EtcdRevisionRate
        {
            StartTime = samples[0].Time,
            EndTime = samples[^1].Time,
            StartRevision = samples[0].Revision,
            EndRevision = samples[^1].Revision,
            Samples = [.. samples],
        };
        if (!byResource)
        {
            return rate;
        }

        return new EtcdRevisionRate
        {
            StartTime = rate.StartTime,
            EndTime = rate.EndTime,
            StartRevision = rate.StartRevision,
            EndRevision = rate.EndRevision,
            Samples = rate.Samples,
            ByResource = await BreakDownAsync(connection, rate, cancellation).ConfigureAwait(false),
        };
    }

    private static async Task<EtcdResourceWriteRate[]> BreakDownAsync(EtcdConnection connection, EtcdRevisionRate rate, CancellationToken cancellation)
    {
        if (rate.Revisions == 0)
        {
            return [];
        }

        var counts = new Dictionary<(string Group, string Resource, string Namespace, string Prefix), long>();
        var watcher = new ResumingWatcher(connection, new WatchOptions
        {
            Range = KeyRange.All,
            StartRevision = rate.StartRevision + 1,
            StopAtRevision = rate.EndRevision,
        });
        await foreach (var e in watcher.WatchAsync(cancellation).ConfigureAwait(false))
        {
            if (e.ModRevision > rate.EndRevision)
            {
                break;
            }

            var group = e.Resource.Length > 0 ? (e.Group, e.Resource, e.Namespace, string.Empty) : (string.Empty, string.Empty, string.Empty, TopSegment(e.Key));
            counts[group] = counts.GetValueOrDefault(group) + 1;
        }

        var total = Math.Max(1, counts.Values.Sum());
        var seconds = rate.Duration.TotalSeconds;
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
