using System.Globalization;
using System.Text.Json.Nodes;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Engine.Lab;

/// <summary>
/// The background writer of <c>Start-EtcdLab -Activity</c>: what controllers and kubelets do to etcd all day.
/// Every tick two controllers fight over one custom resource (the replica tuner and the demo operator set its
/// spec.replicas back and forth, each taking the field over in managedFields: the "fighting controllers" the
/// operator-debug example finds), the deployment controller updates a deployment's status when it changed, and an
/// event is recorded on a lease; every third tick the kubelet reports a container restart, every fourth it renews
/// the node leases. No write stores the bytes the key already holds. It also keeps the event leases alive.
/// </summary>
internal sealed class LabActivity : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;

    private LabActivity(EtcdConnection connection, EtcdLabSeed seed, IReadOnlyList<long> leases, TimeSpan interval)
    {
        _worker = Task.Run(() => RunAsync(connection, LabScale.For(seed), leases, interval, _stop.Token));
    }

    /// <summary>Writes done so far.</summary>
    public long Writes { get; private set; }

    /// <summary>The last failure, when etcd stopped answering (the writer keeps trying).</summary>
    public string? LastError { get; private set; }

    public static LabActivity Start(EtcdConnection connection, EtcdLabSeed seed, IReadOnlyList<long> leases, TimeSpan? interval = null) =>
        new(connection, seed, leases, interval ?? TimeSpan.FromMilliseconds(500));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _worker.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunAsync(EtcdConnection connection, LabScale scale, IReadOnlyList<long> leases, TimeSpan interval, CancellationToken stop)
    {
        var objects = new LabObjects(seed: Environment.TickCount);
        var random = new Random(7);
        var namespaces = Math.Max(1, scale.WorkloadNamespaces);
        for (var tick = 0L; !stop.IsCancellationRequested; tick++)
        {
            try
            {
                var ns = scale.IsEmpty ? "default" : LabObjects.WorkloadNamespace(random.Next(namespaces));
                var app = LabObjects.App(random.Next(Math.Max(1, scale.DeploymentsPerNamespace)));
                var now = LabManagedFields.Now();

                // Two controllers fight over one custom resource: the replica tuner wants 3 replicas, the demo operator
                // sets 2 back. Each spec change bumps generation (the API server does that), takes the field over in
                // managedFields, and the operator then records the generation it has seen.
                var tuner = tick % 2 == 0;
                await UpdateAsync(connection, $"/registry/demo.mycompany.com/simpleapps/{LabObjects.WorkloadNamespace(0)}/demo-web", custom: true, cr =>
                {
                    if (cr["spec"] is JsonObject spec && cr["metadata"] is JsonObject meta)
                    {
                        spec["replicas"] = tuner ? 3 : 2;
                        meta["generation"] = (meta["generation"]?.GetValue<int>() ?? 1) + 1;
                        var manager = tuner ? LabManagedFields.ReplicaTuner : LabManagedFields.Operator;
                        var other = tuner ? LabManagedFields.Operator : LabManagedFields.ReplicaTuner;
                        LabManagedFields.Set(cr, manager, "Update", null, now, ["f:spec.f:replicas"]);
                        if (OwnTime(cr, other, null) is { } otherTime)
                        {
                            // The other controller loses the field it had set, and keeps the time of its own last change.
                            LabManagedFields.Set(cr, other, "Update", null, otherTime, []);
                        }
                        if (!tuner && cr["status"] is JsonObject status)
                        {
                            status["observedGeneration"] = meta["generation"]!.DeepClone();
                            status["availableReplicas"] = 2;
                        }
                    }
                }, stop).ConfigureAwait(false);

                // A controller's status update (deployment controller): written only when the status really changes,
                // as the API server skips writes that change nothing.
                var replicas = Math.Max(1, scale.PodsPerDeployment);
                var ready = replicas - (int)(tick / 2 % 2);
                await UpdateAsync(connection, $"/registry/deployments/{ns}/{app}", custom: false, deployment =>
                {
                    if (deployment["status"] is JsonObject status)
                    {
                        status["readyReplicas"] = ready;
                        status["availableReplicas"] = ready;
                        status["observedGeneration"] = deployment["metadata"]?["generation"]?.DeepClone();
                        LabManagedFields.Set(deployment, LabManagedFields.ControllerManager, "Update", "status", now, ["f:status"]);
                    }
                }, stop).ConfigureAwait(false);

                var ev = objects.Event(ns, "Deployment", app, "ScalingReplicaSet", $"Scaled {(ready < replicas ? "down" : "up")} replica set {app} to {ready}", "deployment-controller");
                var lease = leases.Count > 0 ? leases[random.Next(leases.Count)] : 0;
                await PutAsync(connection, $"/registry/events/{ns}/{ev["metadata"]!["name"]!.GetValue<string>()}", LabValueEncoder.Encode(LabManagedFields.Stamp(ev)), lease, stop).ConfigureAwait(false);

                if (tick % 3 == 0 && !scale.IsEmpty)
                {
                    // The kubelet reports a container restart of one of the namespace's pods.
                    await RestartPodAsync(connection, objects, ns, lease, now, random, stop).ConfigureAwait(false);
                }

                if (tick % 4 == 0)
                {
                    for (var i = 0; i < scale.Nodes; i++)
                    {
                        // The kubelet's heartbeat: renewTime moves forward.
                        await UpdateAsync(connection, $"/registry/leases/kube-node-lease/{LabObjects.NodeName(i)}", custom: false, nodeLease =>
                        {
                            if (nodeLease["spec"] is JsonObject spec)
                            {
                                spec["renewTime"] = DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
                                LabManagedFields.Set(nodeLease, LabManagedFields.Kubelet, "Update", null, now, ["f:spec"]);
                            }
                        }, stop).ConfigureAwait(false);
                    }
                }

                if (tick % 20 == 0)
                {
                    foreach (var id in leases)
                    {
                        await KeepAliveAsync(connection, id, stop).ConfigureAwait(false);
                    }
                }

                LastError = null;
            }
            catch (EtcdException ex)
            {
                // A member may be stopped on purpose in the lab; keep going and try again next tick.
                LastError = ex.Message;
            }

            await Task.Delay(interval, stop).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A controller's update: read the object, change it, and write it back only if nobody changed it meanwhile
    /// (the API server's optimistic concurrency on resourceVersion, which is the key's ModRevision).
    /// </summary>
    private async Task UpdateAsync(EtcdConnection connection, string key, bool custom, Action<JsonObject> change, CancellationToken stop)
    {
        var read = await connection.CallAsync((c, o) => c.KV.RangeAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(key) }, o).ResponseAsync,
            stop, key).ConfigureAwait(false);
        if (read.Kvs.Count == 0)
        {
            return;
        }

        var current = read.Kvs[0];
        var value = LabValueEncoder.Decode(current.Value.Span);
        change(value);
        var bytes = custom ? LabValueEncoder.EncodeCustom(value) : LabValueEncoder.Encode(value);
        if (current.Value.Span.SequenceEqual(bytes))
        {
            // Nothing changed: a real API server stores nothing either.
            return;
        }

        var write = new TxnRequest();
        write.Compare.Add(new Compare
        {
            Key = current.Key,
            Target = Compare.Types.CompareTarget.Mod,
            Result = Compare.Types.CompareResult.Equal,
            ModRevision = current.ModRevision,
        });
        write.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = current.Key, Value = ByteString.CopyFrom(bytes), Lease = current.Lease } });
        var result = await connection.CallAsync((c, o) => c.KV.TxnAsync(write, o).ResponseAsync, stop, key, idempotent: false).ConfigureAwait(false);
        if (result.Succeeded)
        {
            Writes++;
        }
    }

    private async Task RestartPodAsync(EtcdConnection connection, LabObjects objects, string ns, long lease, string now, Random random, CancellationToken stop)
    {
        var prefix = $"/registry/pods/{ns}/";
        var pods = await connection.CallAsync((c, o) => c.KV.RangeAsync(new RangeRequest
        {
            Key = ByteString.CopyFromUtf8(prefix),
            RangeEnd = ByteString.CopyFromUtf8(LabSeeder.PrefixEnd(prefix)),
            KeysOnly = true,
            Limit = 20,
        }, o).ResponseAsync, stop, prefix).ConfigureAwait(false);
        if (pods.Kvs.Count == 0)
        {
            return;
        }

        var key = pods.Kvs[random.Next(pods.Kvs.Count)].Key.ToStringUtf8();
        string? podName = null;
        await UpdateAsync(connection, key, custom: false, pod =>
        {
            if (pod["status"]?["containerStatuses"] is JsonArray { Count: > 0 } statuses && statuses[0] is JsonObject container)
            {
                container["restartCount"] = (container["restartCount"]?.GetValue<int>() ?? 0) + 1;
                container["lastState"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 137, ["reason"] = "OOMKilled", ["finishedAt"] = now } };
                container["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = now } };
                LabManagedFields.Set(pod, LabManagedFields.Kubelet, "Update", "status", now, ["f:status"]);
                podName = pod["metadata"]?["name"]?.GetValue<string>();
            }
        }, stop).ConfigureAwait(false);
        if (podName is not null)
        {
            var ev = LabManagedFields.Stamp(objects.Event(ns, "Pod", podName, "BackOff", "Back-off restarting failed container", "kubelet"));
            await PutAsync(connection, $"/registry/events/{ns}/{ev["metadata"]!["name"]!.GetValue<string>()}", LabValueEncoder.Encode(ev), lease, stop).ConfigureAwait(false);
        }
    }

    private static string? OwnTime(JsonObject obj, string manager, string? subresource) =>
        (obj["metadata"]?["managedFields"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(e => (string?)e["manager"] == manager && (string?)e["subresource"] == subresource)
            .Select(e => (string?)e["time"]).FirstOrDefault();

    private async Task PutAsync(EtcdConnection connection, string key, byte[] value, long lease, CancellationToken stop)
    {
        var request = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFrom(value), Lease = lease };
        await connection.CallAsync((c, o) => c.KV.PutAsync(request, o).ResponseAsync, stop, key, idempotent: false).ConfigureAwait(false);
        Writes++;
    }

    private static async Task KeepAliveAsync(EtcdConnection connection, long lease, CancellationToken stop)
    {
        await connection.CallAsync(async (c, o) =>
        {
            using var call = c.Lease.LeaseKeepAlive(o);
            await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = lease }, stop).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            await call.ResponseStream.MoveNext(stop).ConfigureAwait(false);
            return call.ResponseStream.Current;
        }, stop, lease.ToString("x", CultureInfo.InvariantCulture), timeout: TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }
}
