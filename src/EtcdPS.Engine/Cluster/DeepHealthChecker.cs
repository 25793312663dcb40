using System.Globalization;

namespace EtcdPS.Engine.Cluster;

/// <summary>The thresholds of <c>Test-EtcdHealth -Deep</c>; the defaults follow etcd's documented guidance.</summary>
internal sealed record DeepHealthOptions
{
    /// <summary>WAL fsync p99 limit. etcd's hardware guide: p99 of etcd_disk_wal_fsync_duration_seconds below 10 ms.</summary>
    public double MaxWalFsyncMs { get; init; } = 10;

    /// <summary>Backend commit p99 limit. etcd's hardware guide: p99 of etcd_disk_backend_commit_duration_seconds below 25 ms.</summary>
    public double MaxBackendCommitMs { get; init; } = 25;

    /// <summary>Warn when the database uses this share of its quota.</summary>
    public double QuotaWarnPercent { get; init; } = 80;

    /// <summary>Fail when the database uses this share of its quota (NOSPACE comes at 100 %).</summary>
    public double QuotaFailPercent { get; init; } = 95;

    /// <summary>Warn when this share of the database file is free space that a defragmentation would return.</summary>
    public double FragmentationWarnPercent { get; init; } = 50;

    /// <summary>Warn when the leader changed more often than this during the sample interval.</summary>
    public int MaxLeaderChanges { get; init; }

    /// <summary>Warn when more proposals than this failed during the sample interval.</summary>
    public int MaxFailedProposals { get; init; }

    /// <summary>Fail when a member has more committed raft entries than this not yet applied (etcd itself refuses new requests beyond 5000).</summary>
    public long MaxApplyGap { get; init; } = 5000;

    /// <summary>Time between the two metric samples that count leader changes and failed proposals.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>Progress of a deep check: what it is doing, and how far the sample interval is.</summary>
internal readonly record struct DeepHealthProgress(string Activity, int Percent);

/// <summary>
/// The checks of <c>Test-EtcdHealth -Deep</c>: every member answers, one leader all agree on, no alarm, database size against
/// quota, fragmentation, disk latency (WAL fsync and backend commit p99), leader changes and failed proposals between two metric
/// samples, and the raft apply gap. Each check is an object with a verdict; nothing here throws for an unhealthy cluster.
/// </summary>
internal static class DeepHealthChecker
{
    public const string ClusterScope = "cluster";

    public static async Task<IReadOnlyList<EtcdHealthCheck>> CheckAsync(EtcdConnection connection, DeepHealthOptions options,
        Action<DeepHealthProgress>? progress, CancellationToken cancellation)
    {
        progress?.Invoke(new("Reading member list, status and metrics", 0));
        var members = await ClusterInspector.ListMembersAsync(connection, cancellation).ConfigureAwait(false);
        var names = members.ToDictionary(m => m.Id, m => m.Name.Length > 0 ? m.Name : m.Id);
        var targets = await MetricReader.TargetsAsync(connection, allMembers: true, null, cancellation).ConfigureAwait(false);
        var statusTask = CollectAsync(ClusterInspector.GetStatusAsync(connection, true, cancellation));
        var healthTask = CollectAsync(ClusterInspector.CheckHealthAsync(connection, true, cancellation));
        var firstTask = ReadMetricsAsync(connection, targets, cancellation);
        var alarmsTask = Alarms.AlarmReader.ListAsync(connection, cancellation);
        var statuses = await statusTask.ConfigureAwait(false);
        var health = await healthTask.ConfigureAwait(false);
        var first = await firstTask.ConfigureAwait(false);
        IReadOnlyList<EtcdAlarm>? alarms = null;
        EtcdException? alarmError = null;
        try
        {
            alarms = await alarmsTask.ConfigureAwait(false);
        }
        catch (EtcdException ex)
        {
            alarmError = ex;
        }

        await WaitAsync(options.SampleInterval, progress, cancellation).ConfigureAwait(false);
        progress?.Invoke(new("Reading metrics again", 100));
        var second = await ReadMetricsAsync(connection, targets, cancellation).ConfigureAwait(false);

        var checks = new List<EtcdHealthCheck>();
        var answering = new List<(string Member, EtcdStatus Status)>();
        for (var i = 0; i < targets.Count; i++)
        {
            var member = targets[i].Member;
            var endpoint = targets[i].Url.GetLeftPart(UriPartial.Authority);
            var status = statuses.FirstOrDefault(s => s.Value?.Endpoint == endpoint || Equals(s.Error?.Target, endpoint));
            var read = health.FirstOrDefault(h => h.Endpoint == endpoint);
            if (status.Value is { } s && read is { Healthy: true })
            {
                answering.Add((member, s));
                checks.Add(Pass("MemberAnswers", member, read.Took, "ms", $"{member} answered Status and a linearizable read in {read.Took:0.#} ms."));
            }
            else
            {
                var why = status.Error?.Message ?? read?.Error ?? "no answer";
                checks.Add(new EtcdHealthCheck
                {
                    Check = "MemberAnswers", Member = member, Status = EtcdCheckStatus.Fail, Value = double.NaN, Unit = "ms",
                    Message = $"{member} ({targets[i].Url.GetLeftPart(UriPartial.Authority)}) does not answer: {why}",
                    RecommendedAction = status.Error?.RecommendedAction
                        ?? "Check that the member's etcd process runs and its client URL is reachable; read its log. With 3 members, one more loss costs quorum.",
                });
            }
        }

        checks.Add(LeaderCheck(answering, names));
        checks.Add(AlarmCheck(alarms, alarmError, names));
        foreach (var (member, status) in answering)
        {
            var index = targets.ToList().FindIndex(t => t.Member == member);
            var before = first[index];
            var after = second[index];
            checks.Add(QuotaCheck(member, status, after, options));
            checks.Add(FragmentationCheck(member, status, options));
            checks.Add(LatencyCheck("WalFsyncP99", "etcd_disk_wal_fsync_duration_seconds", member, before, after, options.MaxWalFsyncMs,
                "WAL fsync is slow: every write waits for it. Put the WAL on a dedicated SSD/NVMe (--wal-dir), away from other I/O; check the disk with fio."));
            checks.Add(LatencyCheck("BackendCommitP99", "etcd_disk_backend_commit_duration_seconds", member, before, after, options.MaxBackendCommitMs,
                "Backend commits are slow: use faster storage (SSD/NVMe), keep the database small (compaction, defragmentation), and avoid noisy neighbours."));
            checks.Add(CounterCheck("LeaderChanges", "etcd_server_leader_changes_seen_total", member, before, after, options.MaxLeaderChanges, "changes", options.SampleInterval,
                "Frequent leader changes: check disk latency and the network between members, and raise --heartbeat-interval/--election-timeout if the latency between members is high."));
            checks.Add(CounterCheck("FailedProposals", "etcd_server_proposals_failed_total", member, before, after, options.MaxFailedProposals, "proposals", options.SampleInterval,
                "Proposals failed: usually a leader election or a lost quorum. Check that the members reach each other (Test-EtcdHealth -Cluster) and the members' logs."));
            checks.Add(ApplyGapCheck(member, status, options.MaxApplyGap));
        }

        return checks;
    }

    private static async Task<List<T>> CollectAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items.ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }

    private static async Task<IReadOnlyList<IReadOnlyList<EtcdMetric>?>> ReadMetricsAsync(EtcdConnection connection,
        IReadOnlyList<MetricTarget> targets, CancellationToken cancellation)
    {
        var outcomes = await CollectAsync(MetricReader.ReadAsync(connection, targets, null, cancellation)).ConfigureAwait(false);
        return outcomes.Select(o => o.Value).ToArray();
    }

    private static async Task WaitAsync(TimeSpan interval, Action<DeepHealthProgress>? progress, CancellationToken cancellation)
    {
        var start = DateTime.UtcNow;
        while (DateTime.UtcNow - start < interval)
        {
            var elapsed = DateTime.UtcNow - start;
            progress?.Invoke(new($"Sampling metrics for {interval.TotalSeconds:0.#} s (leader changes, failed proposals, latency)",
                (int)Math.Min(99, elapsed / interval * 100)));
            var left = interval - elapsed;
            await Task.Delay(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500), cancellation).ConfigureAwait(false);
        }
    }

    private static EtcdHealthCheck LeaderCheck(List<(string Member, EtcdStatus Status)> answering, Dictionary<string, string> names)
    {
        var leaders = answering.Select(a => a.Status.LeaderId).Distinct().ToArray();
        if (answering.Count == 0)
        {
            return Fail("Leader", ClusterScope, 0, "leaders", "No member answered, so no leader could be seen.",
                "Start the members, or check the endpoints and the network; Get-EtcdStatus -Cluster shows what each member says.");
        }

        if (leaders.Length == 1 && names.TryGetValue(leaders[0], out var leader))
        {
            return Pass("Leader", ClusterScope, 1, "leaders", $"Every answering member ({answering.Count}) follows the leader {leader} ({leaders[0]}).");
        }

        var seen = string.Join(", ", answering.Select(a => $"{a.Member}: {(names.TryGetValue(a.Status.LeaderId, out var n) ? n : a.Status.LeaderId)}"));
        return Fail("Leader", ClusterScope, leaders.Length, "leaders", $"The members do not agree on a leader that is a member ({seen}).",
            "Without one leader the cluster cannot write. Check that a majority of members runs and reaches the others (peer URLs, firewall), then Get-EtcdStatus -Cluster again.");
    }

    private static EtcdHealthCheck AlarmCheck(IReadOnlyList<EtcdAlarm>? alarms, EtcdException? error, Dictionary<string, string> names)
    {
        if (alarms is null)
        {
            return Fail("Alarms", ClusterScope, double.NaN, "alarms", $"The alarms could not be read: {error?.Message}",
                error?.RecommendedAction ?? "Check that the cluster answers (Get-EtcdAlarm).");
        }

        if (alarms.Count == 0)
        {
            return Pass("Alarms", ClusterScope, 0, "alarms", "No alarm is raised.");
        }

        var list = string.Join(", ", alarms.Select(a => $"{a.Alarm} on {names.GetValueOrDefault(a.MemberId, a.MemberId)}"));
        var nospace = alarms.Any(a => a.Alarm == "NOSPACE");
        return Fail("Alarms", ClusterScope, alarms.Count, "alarms", $"Raised: {list}." + (nospace ? " The cluster refuses writes." : string.Empty),
            nospace
                ? "Free space: Invoke-EtcdCompaction, then Invoke-EtcdDefragmentation on every member, then Clear-EtcdAlarm -Alarm NOSPACE (or raise --quota-backend-bytes)."
                : "A CORRUPT alarm needs an operator: find the member whose data differs, remove it and add it back from a healthy member.");
    }

    private static EtcdHealthCheck QuotaCheck(string member, EtcdStatus status, IReadOnlyList<EtcdMetric>? metrics, DeepHealthOptions options)
    {
        var quota = status.DbSizeQuota > 0 ? status.DbSizeQuota : (long)(Find(metrics, "etcd_server_quota_backend_bytes")?.Value ?? 0);
        if (quota <= 0)
        {
            return new EtcdHealthCheck
            {
                Check = "DbQuota", Member = member, Status = EtcdCheckStatus.Warn, Value = double.NaN, Unit = "%", Threshold = options.QuotaFailPercent,
                Message = "The quota is not known: Status reports none before etcd 3.6 and the metrics could not be read.",
                RecommendedAction = "Read the metrics (Get-EtcdMetric etcd_server_quota_backend_bytes) to see what is wrong.",
            };
        }

        var percent = status.DbSize * 100.0 / quota;
        var text = $"{ByteSize.Format(status.DbSize)} of the {ByteSize.Format(quota)} quota ({percent:0.#} %).";
        var action = "Compact old revisions (Invoke-EtcdCompaction), defragment (Invoke-EtcdDefragmentation), find what fills the keyspace (Measure-EtcdKey), or raise --quota-backend-bytes (etcd suggests at most 8 GiB).";
        return percent >= options.QuotaFailPercent ? Fail("DbQuota", member, percent, "%", text, action, options.QuotaFailPercent)
            : percent >= options.QuotaWarnPercent ? Warn("DbQuota", member, percent, "%", text, action, options.QuotaWarnPercent)
            : Pass("DbQuota", member, percent, "%", text, options.QuotaWarnPercent);
    }

    private static EtcdHealthCheck FragmentationCheck(string member, EtcdStatus status, DeepHealthOptions options)
    {
        var free = Math.Max(0, status.DbSize - status.DbSizeInUse);
        var percent = status.DbSize == 0 ? 0 : free * 100.0 / status.DbSize;
        var text = $"{ByteSize.Format(free)} of the {ByteSize.Format(status.DbSize)} file is free space ({ByteSize.Format(status.DbSizeInUse)} in use).";
        return percent >= options.FragmentationWarnPercent
            ? Warn("Fragmentation", member, percent, "%", text,
                "Defragment to return the free space to the file system (Invoke-EtcdDefragmentation, one member at a time; it blocks the member while it runs).",
                options.FragmentationWarnPercent)
            : Pass("Fragmentation", member, percent, "%", text, options.FragmentationWarnPercent);
    }

    private static EtcdHealthCheck LatencyCheck(string check, string metric, string member, IReadOnlyList<EtcdMetric>? before,
        IReadOnlyList<EtcdMetric>? after, double maxMs, string action)
    {
        if (Find(after, metric) is not EtcdHistogram now)
        {
            return Warn(check, member, double.NaN, "ms", $"{metric} could not be read.", "Check that the member's metrics can be read (Get-EtcdMetric).", maxMs);
        }

        // The interval between the two samples says how the disk does now; with no observation in it, the member's whole life does.
        var interval = Find(before, metric) is EtcdHistogram then ? now.Since(then) : null;
        var basis = interval is { Count: > 0 } ? interval : now;
        var scope = ReferenceEquals(basis, interval) ? $"over the last {(now.Time - ((EtcdHistogram)Find(before, metric)!).Time).TotalSeconds:0} s" : "since the member started";
        var p99 = basis.P99 * 1000;
        if (double.IsNaN(p99))
        {
            return Pass(check, member, double.NaN, "ms", $"No observation of {metric} yet.", maxMs);
        }

        var text = $"p99 {p99.ToString("0.###", CultureInfo.InvariantCulture)} ms {scope} ({basis.Count:0} observations).";
        return p99 > maxMs ? Fail(check, member, p99, "ms", text, action, maxMs) : Pass(check, member, p99, "ms", text, maxMs);
    }

    private static EtcdHealthCheck CounterCheck(string check, string metric, string member, IReadOnlyList<EtcdMetric>? before,
        IReadOnlyList<EtcdMetric>? after, int max, string unit, TimeSpan interval, string action)
    {
        if (Find(before, metric) is not { } then || Find(after, metric) is not { } now)
        {
            return Warn(check, member, double.NaN, unit, $"{metric} could not be read twice.", "Check that the member's metrics can be read (Get-EtcdMetric).", max);
        }

        var increase = Math.Max(0, now.Value - then.Value);
        var text = $"{increase:0} {unit} in {interval.TotalSeconds:0.#} s ({now.Value:0} since the member started).";
        return increase > max ? Warn(check, member, increase, unit, text, action, max) : Pass(check, member, increase, unit, text, max);
    }

    private static EtcdHealthCheck ApplyGapCheck(string member, EtcdStatus status, long max)
    {
        var gap = status.RaftIndex > status.RaftAppliedIndex ? (double)(status.RaftIndex - status.RaftAppliedIndex) : 0;
        var text = $"{gap:0} committed raft entries not yet applied (index {status.RaftIndex}, applied {status.RaftAppliedIndex}).";
        return gap > max
            ? Fail("RaftApplyGap", member, gap, "entries", text,
                "The member cannot apply as fast as the cluster commits: expensive requests (large ranges, many watchers) or a slow disk. Reduce the load and check the disk latency.", max)
            : Pass("RaftApplyGap", member, gap, "entries", text, max);
    }

    private static EtcdMetric? Find(IReadOnlyList<EtcdMetric>? metrics, string name) => metrics?.FirstOrDefault(m => m.Name == name && m.Labels.Count == 0);

    private static EtcdHealthCheck Pass(string check, string member, double value, string unit, string message, double threshold = double.NaN) =>
        new() { Check = check, Member = member, Status = EtcdCheckStatus.Pass, Value = value, Unit = unit, Message = message, Threshold = threshold };

    private static EtcdHealthCheck Warn(string check, string member, double value, string unit, string message, string action, double threshold = double.NaN) =>
        new() { Check = check, Member = member, Status = EtcdCheckStatus.Warn, Value = value, Unit = unit, Message = message, RecommendedAction = action, Threshold = threshold };

    private static EtcdHealthCheck Fail(string check, string member, double value, string unit, string message, string action, double threshold = double.NaN) =>
        new() { Check = check, Member = member, Status = EtcdCheckStatus.Fail, Value = value, Unit = unit, Message = message, RecommendedAction = action, Threshold = threshold };
}
