using EtcdPS.Engine.Cluster;
using EtcdPS.Engine.Keys;
using EtcdPS.Engine.Kubernetes;
using EtcdPS.Engine.Watch;
using Google.Protobuf;

namespace EtcdPS.Engine.Reports;

/// <summary>
/// Collects what the report shows: status and deep health of every member, the keyspace by resource and namespace with
/// the largest objects (one pass over the prefix at one revision), and the revision rate over the sample period split by
/// resource (revisions sampled on a schedule, then the period replayed with a watch so every write is attributed once).
/// </summary>
internal static class ReportCollector
{
    public static async Task<ReportData> CollectAsync(EtcdConnection connection, ReportOptions options, Action<ReportProgress>? progress,
        CancellationToken cancellation)
    {
        var members = await ClusterInspector.ListMembersAsync(connection, cancellation).ConfigureAwait(false);
        progress?.Invoke(new("Reading the keyspace", 0));
        var keyspaceTask = ScanAsync(connection, options, progress, cancellation);

        // The health check's two metric reads and the revision samples span the same period.
        var healthTask = DeepHealthChecker.CheckAsync(connection, new DeepHealthOptions { SampleInterval = options.SampleDuration }, null, cancellation);
        var samples = await SampleRevisionsAsync(connection, options, progress, cancellation).ConfigureAwait(false);
        var (cells, largest) = await keyspaceTask.ConfigureAwait(false);
        var checks = await healthTask.ConfigureAwait(false);
        progress?.Invoke(new("Attributing the sampled writes to resources", 95));
        var rate = await ReplayAsync(connection, samples, cancellation).ConfigureAwait(false);

        var statuses = new List<EtcdStatus>();
        var errors = new List<string>();
        await foreach (var outcome in ClusterInspector.GetStatusAsync(connection, true, cancellation).ConfigureAwait(false))
        {
            // An endpoint that does not answer comes as an unreachable status and as an error: the page says so once.
            if (outcome.Value is { Reachable: true } status)
            {
                statuses.Add(status);
            }
            else if (outcome.Error is { } error)
            {
                errors.Add(error.Message);
            }
        }

        var quotas = new Dictionary<string, long>(StringComparer.Ordinal);
        var targets = await MetricReader.TargetsAsync(connection, true, null, cancellation).ConfigureAwait(false);
        await foreach (var outcome in MetricReader.ReadAsync(connection, targets, n => n == "etcd_server_quota_backend_bytes", cancellation).ConfigureAwait(false))
        {
            if (outcome.Value?.FirstOrDefault() is { } quota)
            {
                quotas[quota.Member] = (long)quota.Value;
            }
        }

        return new ReportData
        {
            GeneratedAt = DateTimeOffset.Now,
            Connection = connection.ToString(),
            Prefix = options.Prefix,
            SampleDuration = options.SampleDuration,
            Members = members,
            Statuses = statuses,
            StatusErrors = errors,
            Quotas = quotas,
            Checks = checks,
            Keyspace = cells,
            Largest = largest,
            Rate = rate,
            Revision = statuses.Count > 0 ? statuses.Max(s => s.Revision) : samples[^1].Revision,
            CompactRevision = statuses.Count > 0 ? statuses.Max(s => s.CompactRevision) : 0,
        };
    }

    private static async Task<(IReadOnlyList<KeyspaceCell>, IReadOnlyList<LargeObject>)> ScanAsync(EtcdConnection connection, ReportOptions options,
        Action<ReportProgress>? progress, CancellationToken cancellation)
    {
        var reader = new RevisionPinnedRangeReader(connection, new KeyQuery { Range = KeyRange.Prefix(options.Prefix) })
        {
            Progress = p => progress?.Invoke(new($"Reading the keyspace: {p.Keys} keys", 0)),
        };
        var cells = new Dictionary<(string, string), (long Count, long Bytes)>();
        var largest = new PriorityQueue<LargeObject, long>();
        await foreach (var kv in reader.ReadRawAsync(cancellation).ConfigureAwait(false))
        {
            var key = kv.Key.ToStringUtf8();
            var parsed = KubernetesKey.Parse(key);
            var resource = parsed.Resource.Length > 0 ? (parsed.Group.Length > 0 ? $"{parsed.Group}/{parsed.Resource}" : parsed.Resource) : TopSegment(key);
            var ns = parsed.Resource.Length > 0 ? (parsed.Namespace.Length > 0 ? parsed.Namespace : "(cluster)") : "(not Kubernetes)";
            var bytes = (long)kv.Key.Length + kv.Value.Length;
            var sum = cells.GetValueOrDefault((resource, ns));
            cells[(resource, ns)] = (sum.Count + 1, sum.Bytes + bytes);
            largest.Enqueue(new LargeObject(key, resource, parsed.Namespace, bytes, kv.ModRevision, kv.Version), bytes);
            if (largest.Count > options.TopObjects)
            {
                largest.Dequeue();
            }
        }

        var top = new List<LargeObject>();
        while (largest.TryDequeue(out var o, out _))
        {
            top.Add(o);
        }

        top.Reverse();
        return (cells.Select(c => new KeyspaceCell(c.Key.Item1, c.Key.Item2, c.Value.Count, c.Value.Bytes)).OrderByDescending(c => c.Bytes).ToArray(), top);
    }

    private static async Task<List<EtcdRevisionSample>> SampleRevisionsAsync(EtcdConnection connection, ReportOptions options,
        Action<ReportProgress>? progress, CancellationToken cancellation)
    {
        var points = Math.Max(1, options.RatePoints);
        var interval = options.SampleDuration / points;
        var samples = new List<EtcdRevisionSample> { await SampleAsync(connection, cancellation).ConfigureAwait(false) };
        var start = samples[0].Time;
        for (var k = 1; k <= points; k++)
        {
            var wait = start + (interval * k) - DateTimeOffset.Now;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellation).ConfigureAwait(false);
            }

            samples.Add(await SampleAsync(connection, cancellation).ConfigureAwait(false));
            var left = options.SampleDuration - (samples[^1].Time - start);
            progress?.Invoke(new($"Sampling the revision rate and the members' metrics: {Math.Max(0, left.TotalSeconds):0} s left", k * 90 / points));
        }

        return samples;
    }

    private static async Task<EtcdRevisionSample> SampleAsync(EtcdConnection connection, CancellationToken cancellation) =>
        new() { Time = DateTimeOffset.Now, Revision = await RevisionReads.CurrentRevisionAsync(connection, cancellation).ConfigureAwait(false) };

    private static async Task<IReadOnlyList<RatePoint>> ReplayAsync(EtcdConnection connection, List<EtcdRevisionSample> samples, CancellationToken cancellation)
    {
        var buckets = Enumerable.Range(1, samples.Count - 1).Select(_ => new Dictionary<string, long>(StringComparer.Ordinal)).ToArray();
        var first = samples[0].Revision;
        var last = samples[^1].Revision;
        if (last > first)
        {
            var watcher = new ResumingWatcher(connection, new WatchOptions
            {
                Range = KeyRange.All,
                StartRevision = first + 1,
                StopAtRevision = last,
            });
            var index = 1;
            await foreach (var e in watcher.WatchAsync(cancellation).ConfigureAwait(false))
            {
                if (e.ModRevision > last)
                {
                    break;
                }

                while (index < samples.Count - 1 && e.ModRevision > samples[index].Revision)
                {
                    index++;
                }

                var resource = e.Resource.Length > 0 ? (e.Group.Length > 0 ? $"{e.Group}/{e.Resource}" : e.Resource) : TopSegment(e.Key);
                var bucket = buckets[index - 1];
                bucket[resource] = bucket.GetValueOrDefault(resource) + 1;
            }
        }

        return buckets.Select((b, i) => new RatePoint(samples[i + 1].Time, (samples[i + 1].Time - samples[i].Time).TotalSeconds, b)).ToArray();
    }

    private static string TopSegment(string key)
    {
        var parts = key.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "(root)" : key.StartsWith('/') ? "/" + parts[0] : parts[0];
    }
}
