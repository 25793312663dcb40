using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EtcdPS.Engine.Keys;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Engine.Lab;

/// <summary>How far seeding got, for a progress bar.</summary>
internal sealed record LabSeedProgress(string Activity, long Done, long Total);

/// <summary>What seeding left in etcd.</summary>
internal sealed record LabSeedResult(long KeyCount, long Revision, long CompactRevision, TimeSpan Duration);

/// <summary>
/// Writes a realistic Kubernetes keyspace into a lab etcd: cluster-scoped objects first, a compaction (recorded in
/// compact_rev_key as the API server does), then every namespace's workloads, events on leases, custom resources,
/// and finally some history: rollouts that update a Deployment several times, a replaced pod, a configmap created
/// and deleted. Bulk writes go as concurrent puts in a plausible order (namespaces, then per namespace its config,
/// secrets, deployments, replica sets, pods and events), one object per revision as the API server writes them, so
/// ModRevision and CreateRevision tell when each object came; only the Large seed batches 64 objects per transaction
/// (200,000 single puts would take minutes). Medium seeds in about 13 s on a loaded 2-core machine, against 7 s in
/// batches of 16.
/// </summary>
internal sealed class LabSeeder
{
    private const int Concurrency = 16;
    private const long EventLeaseTtlSeconds = 3600;

    private readonly EtcdConnection _connection;
    private readonly LabScale _scale;
    private readonly LabObjects _objects = new();
    private readonly Action<LabSeedProgress>? _progress;
    private readonly List<HistoryTarget> _history = [];
    private long[] _leases = [];
    private long _done;
    private long _total;
    private int _ipCounter;
    private int _serviceIpCounter;

    private LabSeeder(EtcdConnection connection, LabScale scale, Action<LabSeedProgress>? progress)
    {
        _connection = connection;
        _scale = scale;
        _progress = progress;
    }

    /// <summary>The leases the events are attached to (the background writer keeps them alive).</summary>
    public IReadOnlyList<long> Leases => _leases;

    public static async Task<(LabSeedResult Result, IReadOnlyList<long> Leases)> SeedAsync(EtcdConnection connection, EtcdLabSeed seed,
        Action<LabSeedProgress>? progress, CancellationToken cancellation)
    {
        var seeder = new LabSeeder(connection, LabScale.For(seed), progress);
        var result = await seeder.RunAsync(cancellation).ConfigureAwait(false);
        return (result, seeder.Leases);
    }

    private async Task<LabSeedResult> RunAsync(CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        if (_scale.IsEmpty)
        {
            return new LabSeedResult(await CountKeysAsync(cancellation).ConfigureAwait(false), await RevisionAsync(cancellation).ConfigureAwait(false), 0, clock.Elapsed);
        }

        _total = _scale.ExpectedTotal + 20;
        var leaseCount = Math.Min(_scale.WorkloadNamespaces, 16) + 1;
        _leases = new long[leaseCount];
        for (var i = 0; i < leaseCount; i++)
        {
            var grant = await _connection.CallAsync((c, o) => c.Lease.LeaseGrantAsync(new LeaseGrantRequest { TTL = EventLeaseTtlSeconds }, o).ResponseAsync,
                cancellation, idempotent: false).ConfigureAwait(false);
            _leases[i] = grant.ID;
        }

        await WriteAllAsync("Cluster-scoped objects", ClusterScoped(), 1, cancellation).ConfigureAwait(false);

        // The API server compacts every few minutes and records the compacted revision in compact_rev_key.
        var compactAt = await RevisionAsync(cancellation).ConfigureAwait(false);
        await _connection.CallAsync((c, o) => c.KV.CompactAsync(new CompactionRequest { Revision = compactAt }, o).ResponseAsync,
            cancellation, idempotent: false).ConfigureAwait(false);
        await PutAsync("compact_rev_key", Encoding.UTF8.GetBytes(compactAt.ToString(CultureInfo.InvariantCulture)), 0, cancellation).ConfigureAwait(false);

        var batch = _scale.Deployments <= 1000 ? 1 : 64;
        await WriteAllAsync("Namespaces and workloads", Workloads(), batch, cancellation).ConfigureAwait(false);
        await WriteHistoryAsync(cancellation).ConfigureAwait(false);

        var keys = await CountKeysAsync(cancellation).ConfigureAwait(false);
        var revision = await RevisionAsync(cancellation).ConfigureAwait(false);
        _progress?.Invoke(new LabSeedProgress("Done", _total, _total));
        return new LabSeedResult(keys, revision, compactAt, clock.Elapsed);
    }

    private IEnumerable<LabWrite> ClusterScoped()
    {
        foreach (var ns in LabScale.SystemNamespaces.Concat(Enumerable.Range(0, _scale.WorkloadNamespaces).Select(LabObjects.WorkloadNamespace)))
        {
            yield return Builtin($"/registry/namespaces/{ns}", _objects.Namespace(ns));
        }

        foreach (var role in LabScale.ClusterRoles)
        {
            yield return Builtin($"/registry/clusterroles/{role}", _objects.ClusterRole(role));
        }

        yield return Custom("/registry/apiextensions.k8s.io/customresourcedefinitions/configmapapps.demo.mycompany.com",
            _objects.CustomResourceDefinition("configmapapps", "ConfigMapApp"));
        yield return Custom("/registry/apiextensions.k8s.io/customresourcedefinitions/simpleapps.demo.mycompany.com",
            _objects.CustomResourceDefinition("simpleapps", "SimpleApp"));
        for (var i = 0; i < _scale.Nodes; i++)
        {
            yield return Builtin($"/registry/minions/{LabObjects.NodeName(i)}", _objects.Node(LabObjects.NodeName(i), i));
        }

        yield return Builtin("/registry/ranges/serviceips", _objects.RangeAllocation("10.96.0.0/12"));
        yield return Builtin("/registry/ranges/servicenodeports", _objects.RangeAllocation("30000-32767"));
        var master = _objects.Endpoints("default", "kubernetes", ["10.0.0.10"], 6443);
        yield return Builtin("/registry/masterleases/10.0.0.10", master) with { Lease = _leases[^1] };
    }

    private IEnumerable<LabWrite> Workloads()
    {
        var renew = DateTimeOffset.UtcNow;
        foreach (var ns in LabScale.SystemNamespaces)
        {
            yield return Builtin($"/registry/serviceaccounts/{ns}/default", _objects.ServiceAccount(ns));
            yield return Builtin($"/registry/configmaps/{ns}/kube-root-ca.crt", _objects.RootCaConfigMap(ns));
        }

        for (var i = 0; i < _scale.Nodes; i++)
        {
            var node = LabObjects.NodeName(i);
            yield return Builtin($"/registry/leases/kube-node-lease/{node}", _objects.NodeLease(node, renew));
        }

        yield return Builtin("/registry/services/specs/default/kubernetes", _objects.Service("default", "kubernetes", "10.96.0.1", null));
        yield return Builtin("/registry/services/endpoints/default/kubernetes", _objects.Endpoints("default", "kubernetes", ["10.0.0.10"], 6443));

        for (var n = 0; n < _scale.WorkloadNamespaces; n++)
        {
            foreach (var write in Namespace(n))
            {
                yield return write;
            }
        }
    }

    private IEnumerable<LabWrite> Namespace(int index)
    {
        var ns = LabObjects.WorkloadNamespace(index);
        var lease = _leases[index % (_leases.Length - 1)];
        yield return Builtin($"/registry/serviceaccounts/{ns}/default", _objects.ServiceAccount(ns));
        yield return Builtin($"/registry/configmaps/{ns}/kube-root-ca.crt", _objects.RootCaConfigMap(ns));
        for (var d = 0; d < _scale.DeploymentsPerNamespace; d++)
        {
            var app = LabObjects.App(d);
            yield return Builtin($"/registry/configmaps/{ns}/{app}-config", _objects.AppConfigMap(ns, app, 1));
            yield return Builtin($"/registry/secrets/{ns}/{app}-credentials", _objects.Secret(ns, app));
            var replicas = _scale.PodsPerDeployment;
            var deploymentMeta = _objects.Meta(app, ns, LabObjects.AppLabels(app));
            var deployment = _objects.Deployment(deploymentMeta, app, replicas, 1, 0, replicas);
            yield return Builtin($"/registry/deployments/{ns}/{app}", deployment);
            var hash = _objects.Suffix(10);
            var rs = _objects.ReplicaSet(deploymentMeta, ns, app, hash, replicas, replicas);
            var rsMeta = rs["metadata"]!.AsObject();
            yield return Builtin($"/registry/replicasets/{ns}/{app}-{hash}", rs);
            var ips = new List<string>();
            var pods = new List<string>();
            for (var p = 0; p < replicas; p++)
            {
                var ip = NextPodIp();
                var pod = _objects.Pod(rsMeta, ns, app, hash, LabObjects.NodeName((index + d + p) % _scale.Nodes), ip);
                var podName = pod["metadata"]!["name"]!.GetValue<string>();
                ips.Add(ip);
                pods.Add(podName);
                yield return Builtin($"/registry/pods/{ns}/{podName}", pod);
                var node = pod["spec"]!["nodeName"]!.GetValue<string>();
                var scheduled = _objects.Event(ns, "Pod", podName, "Scheduled", $"Successfully assigned {ns}/{podName} to {node}", "default-scheduler");
                var started = _objects.Event(ns, "Pod", podName, "Started", $"Started container {app}", "kubelet");
                yield return Builtin($"/registry/events/{ns}/{scheduled["metadata"]!["name"]!.GetValue<string>()}", scheduled) with { Lease = lease };
                yield return Builtin($"/registry/events/{ns}/{started["metadata"]!["name"]!.GetValue<string>()}", started) with { Lease = lease };
            }

            yield return Builtin($"/registry/services/specs/{ns}/{app}", _objects.Service(ns, app, NextServiceIp(), LabObjects.AppLabels(app)));
            yield return Builtin($"/registry/services/endpoints/{ns}/{app}", _objects.Endpoints(ns, app, ips, 8080));
            if (d == 0 && _history.Count < 3)
            {
                _history.Add(new HistoryTarget(ns, app, deploymentMeta, deployment, rs, pods, replicas));
            }
        }

        for (var c = 0; c < LabScale.CustomResourcesPerNamespace; c++)
        {
            var name = $"demo-{LabObjects.App(c)}";
            yield return Custom($"/registry/demo.mycompany.com/configmapapps/{ns}/{name}", _objects.ConfigMapApp(ns, name, 1));
            yield return Custom($"/registry/demo.mycompany.com/simpleapps/{ns}/{name}", _objects.SimpleApp(ns, name, 1, 2));
        }
    }

    /// <summary>
    /// Updates and deletes one write at a time, so Version, ModRevision and the history of a key tell a story: two
    /// rollouts of a Deployment as its controllers do them (the spec change bumps generation; a new ReplicaSet with the
    /// new template and its pods; the old ReplicaSet scaled to 0 and its pods deleted; the status catches up with
    /// observedGeneration), a replaced pod, a configmap edited twice, a lock created then deleted, and a custom
    /// resource whose spec two controllers keep setting (the lab's "fighting controllers", continued by -Activity).
    /// </summary>
    private async Task WriteHistoryAsync(CancellationToken cancellation)
    {
        foreach (var target in _history)
        {
            var (ns, app) = (target.Namespace, target.App);
            var replicas = target.Replicas;
            var deploymentKey = $"/registry/deployments/{ns}/{app}";
            var currentRs = target.ReplicaSet;
            var pods = target.Pods;
            var previous = target.Deployment;
            for (var version = 1; version <= 2; version++)
            {
                var generation = version + 1;
                // kubectl apply changes the image: generation moves, the status still describes the old generation.
                var deployment = _objects.Deployment(target.DeploymentMeta.DeepClone().AsObject(), app, replicas, generation, version, replicas);
                // A spec change leaves the status as the controller last wrote it, and the metadata (managedFields too).
                deployment["status"] = previous["status"]!.DeepClone();
                deployment["metadata"]!["annotations"] = previous["metadata"]!["annotations"]!.DeepClone();
                deployment["metadata"]!["managedFields"] = previous["metadata"]!["managedFields"]?.DeepClone();
                var changed = _objects.Timestamp();
                LabManagedFields.Set(deployment, LabManagedFields.Kubectl, "Update", null, changed, ["f:metadata", "f:spec"]);
                await PutAsync(deploymentKey, LabValueEncoder.Encode(deployment), 0, cancellation).ConfigureAwait(false);

                // The deployment controller: a ReplicaSet for the new template, its pods, then the old ones go.
                var hash = _objects.Suffix(10);
                var rs = LabManagedFields.Stamp(_objects.ReplicaSet(target.DeploymentMeta, ns, app, hash, replicas, replicas, version));
                await PutAsync($"/registry/replicasets/{ns}/{app}-{hash}", LabValueEncoder.Encode(rs), 0, cancellation).ConfigureAwait(false);
                var newPods = new List<string>();
                for (var p = 0; p < replicas; p++)
                {
                    var pod = LabManagedFields.Stamp(_objects.Pod(rs["metadata"]!.AsObject(), ns, app, hash, LabObjects.NodeName(p % _scale.Nodes), NextPodIp(), version));
                    var name = pod["metadata"]!["name"]!.GetValue<string>();
                    newPods.Add(name);
                    await PutAsync($"/registry/pods/{ns}/{name}", LabValueEncoder.Encode(pod), 0, cancellation).ConfigureAwait(false);
                }

                currentRs["spec"]!["replicas"] = 0;
                currentRs["status"] = new JsonObject { ["replicas"] = 0, ["observedGeneration"] = 2 };
                LabManagedFields.Set(currentRs, LabManagedFields.ControllerManager, "Update", null, _objects.Timestamp(), ["f:metadata", "f:spec"]);
                var oldRsName = currentRs["metadata"]!["name"]!.GetValue<string>();
                await PutAsync($"/registry/replicasets/{ns}/{oldRsName}", LabValueEncoder.Encode(currentRs), 0, cancellation).ConfigureAwait(false);
                foreach (var old in pods)
                {
                    await DeleteAsync($"/registry/pods/{ns}/{old}", cancellation).ConfigureAwait(false);
                }

                // The controller catches up: the new revision, the generation it has seen, and the Progressing condition.
                deployment["status"]!["observedGeneration"] = generation;
                deployment["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"] = generation.ToString(CultureInfo.InvariantCulture);
                var rolledOut = _objects.Timestamp();
                foreach (var condition in (deployment["status"]!["conditions"] as JsonArray ?? []).OfType<JsonObject>()
                    .Where(c => (string?)c["type"] == "Progressing"))
                {
                    condition["lastUpdateTime"] = rolledOut;
                    condition["reason"] = "NewReplicaSetAvailable";
                }

                LabManagedFields.Set(deployment, LabManagedFields.ControllerManager, "Update", "status", rolledOut, ["f:status"]);
                await PutAsync(deploymentKey, LabValueEncoder.Encode(deployment), 0, cancellation).ConfigureAwait(false);
                (currentRs, pods, previous) = (rs, newPods, deployment);
            }

            // A node drain: one pod is deleted and the ReplicaSet controller replaces it.
            await DeleteAsync($"/registry/pods/{ns}/{pods[0]}", cancellation).ConfigureAwait(false);
            var hashNow = currentRs["metadata"]!["labels"]!["pod-template-hash"]!.GetValue<string>();
            var replacement = LabManagedFields.Stamp(_objects.Pod(currentRs["metadata"]!.AsObject(), ns, app, hashNow, LabObjects.NodeName(0), NextPodIp(), 2));
            await PutAsync($"/registry/pods/{ns}/{replacement["metadata"]!["name"]!.GetValue<string>()}", LabValueEncoder.Encode(replacement), 0, cancellation).ConfigureAwait(false);

            await PutAsync($"/registry/configmaps/{ns}/{app}-config", LabValueEncoder.Encode(LabManagedFields.Stamp(_objects.AppConfigMap(ns, app, 2))), 0, cancellation).ConfigureAwait(false);
            await PutAsync($"/registry/configmaps/{ns}/{app}-config", LabValueEncoder.Encode(LabManagedFields.Stamp(_objects.AppConfigMap(ns, app, 3))), 0, cancellation).ConfigureAwait(false);
            var lockKey = $"/registry/configmaps/{ns}/{app}-migration-lock";
            await PutAsync(lockKey, LabValueEncoder.Encode(LabManagedFields.Stamp(_objects.AppConfigMap(ns, app + "-migration-lock", 1))), 0, cancellation).ConfigureAwait(false);
            await DeleteAsync(lockKey, cancellation).ConfigureAwait(false);

            // The demo operator rolls its SimpleApp forward: each spec change bumps generation, the status follows.
            var simple = $"demo-{LabObjects.App(0)}";
            for (var generation = 2; generation <= 4; generation++)
            {
                await PutAsync($"/registry/demo.mycompany.com/simpleapps/{ns}/{simple}", LabValueEncoder.EncodeCustom(LabManagedFields.Stamp(_objects.SimpleApp(ns, simple, generation, 2))), 0, cancellation).ConfigureAwait(false);
            }
        }
    }

    private async Task WriteAllAsync(string activity, IEnumerable<LabWrite> writes, int batchSize, CancellationToken cancellation)
    {
        var options = new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellation };
        await Parallel.ForEachAsync(writes.Chunk(batchSize), options, async (chunk, token) =>
        {
            if (chunk.Length == 1)
            {
                await PutAsync(chunk[0].Key, chunk[0].Value, chunk[0].Lease, token).ConfigureAwait(false);
            }
            else
            {
                var txn = new TxnRequest();
                foreach (var write in chunk)
                {
                    txn.Success.Add(new RequestOp { RequestPut = PutRequestOf(write.Key, write.Value, write.Lease) });
                }

                await _connection.CallAsync((c, o) => c.KV.TxnAsync(txn, o).ResponseAsync, token, idempotent: false).ConfigureAwait(false);
            }

            var done = Interlocked.Add(ref _done, chunk.Length);
            if (_progress is not null && (done % 500 < chunk.Length || done < 50))
            {
                _progress(new LabSeedProgress(activity, done, _total));
            }
        }).ConfigureAwait(false);
    }

    private async Task PutAsync(string key, byte[] value, long lease, CancellationToken cancellation)
    {
        var request = PutRequestOf(key, value, lease);
        await _connection.CallAsync((c, o) => c.KV.PutAsync(request, o).ResponseAsync, cancellation, key, idempotent: false).ConfigureAwait(false);
    }

    private async Task DeleteAsync(string key, CancellationToken cancellation) =>
        await _connection.CallAsync((c, o) => c.KV.DeleteRangeAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(key) }, o).ResponseAsync,
            cancellation, key, idempotent: false).ConfigureAwait(false);

    private static PutRequest PutRequestOf(string key, byte[] value, long lease) =>
        new() { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFrom(value), Lease = lease };

    private async Task<long> RevisionAsync(CancellationToken cancellation)
    {
        var response = await _connection.CallAsync((c, o) => c.KV.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8("compact_rev_key"), CountOnly = true }, o).ResponseAsync,
            cancellation).ConfigureAwait(false);
        return response.Header.Revision;
    }

    private Task<long> CountKeysAsync(CancellationToken cancellation) => CountAsync(_connection, "\0", "\0", cancellation);

    /// <summary>A count-only range: the number of keys in [key, rangeEnd) without reading them.</summary>
    public static async Task<long> CountAsync(EtcdConnection connection, string key, string rangeEnd, CancellationToken cancellation)
    {
        var response = await connection.CallAsync((c, o) => c.KV.RangeAsync(new RangeRequest
        {
            Key = ByteString.CopyFromUtf8(key),
            RangeEnd = ByteString.CopyFromUtf8(rangeEnd),
            CountOnly = true,
        }, o).ResponseAsync, cancellation).ConfigureAwait(false);
        return response.Count;
    }

    /// <summary>The end of the range of every key starting with <paramref name="prefix"/>.</summary>
    public static string PrefixEnd(string prefix) => Encoding.UTF8.GetString(KeyRange.PrefixEnd(Encoding.UTF8.GetBytes(prefix)));

    private string NextPodIp()
    {
        var n = Interlocked.Increment(ref _ipCounter);
        return $"10.244.{n / 250 % 250}.{(n % 250) + 2}";
    }

    private string NextServiceIp()
    {
        var n = Interlocked.Increment(ref _serviceIpCounter) + 10;
        return $"10.96.{n / 250 % 250}.{(n % 250) + 1}";
    }

    private static LabWrite Builtin(string key, JsonObject value) => new(key, LabValueEncoder.Encode(LabManagedFields.Stamp(value)));

    private static LabWrite Custom(string key, JsonObject value) => new(key, LabValueEncoder.EncodeCustom(LabManagedFields.Stamp(value)));

    private sealed record LabWrite(string Key, byte[] Value, long Lease = 0);

    private sealed record HistoryTarget(string Namespace, string App, JsonObject DeploymentMeta, JsonObject Deployment, JsonObject ReplicaSet,
        List<string> Pods, int Replicas);
}
