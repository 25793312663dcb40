using System.Globalization;
using System.Text.Json.Nodes;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Engine.Lab;

/// <summary>
/// The background writer of <c>Start-EtcdLab -Activity</c>: what controllers and kubelets do to etcd all day.
/// Every tick it renews the node leases (as kubelets do every 10 s), updates a deployment's status, records an
/// event on a lease, and two controllers keep rewriting the same custom resource (the "fighting controllers" the
/// operator-debug example finds by its climbing Version). It also keeps the event leases alive.
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

                // Two controllers disagree about one custom resource: each sets its own replica count.
                await UpdateAsync(connection, $"/registry/demo.mycompany.com/simpleapps/{LabObjects.WorkloadNamespace(0)}/demo-web", custom: true, app =>
                {
                    if (app["spec"] is JsonObject spec)
                    {
                        spec["replicas"] = tick % 2 == 0 ? 2 : 3;
                    }
                }, stop).ConfigureAwait(false);

                // A controller's status update: read the object, change its status, write it back only if nobody
                // changed it meanwhile (the API server's optimistic concurrency on resourceVersion = ModRevision).
                var replicas = Math.Max(1, scale.PodsPerDeployment);
                var ready = replicas - (int)(tick % 2);
                await UpdateAsync(connection, $"/registry/deployments/{ns}/{app}", custom: false, deployment =>
                {
                    if (deployment["status"] is JsonObject status)
                    {
                        status["readyReplicas"] = ready;
                        status["availableReplicas"] = ready;
                    }
                }, stop).ConfigureAwait(false);

                var ev = objects.Event(ns, "Deployment", app, "ScalingReplicaSet", $"Scaled {(ready < replicas ? "down" : "up")} replica set {app} to {ready}", "deployment-controller");
                var lease = leases.Count > 0 ? leases[random.Next(leases.Count)] : 0;
                await PutAsync(connection, $"/registry/events/{ns}/{ev["metadata"]!["name"]!.GetValue<string>()}", LabValueEncoder.Encode(ev), lease, stop).ConfigureAwait(false);

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
        var write = new TxnRequest();
        write.Compare.Add(new Compare
        {
            Key = current.Key,
            Target = Compare.Types.CompareTarget.Mod,
            Result = Compare.Types.CompareResult.Equal,
            ModRevision = current.ModRevision,
        });
        var bytes = custom ? LabValueEncoder.EncodeCustom(value) : LabValueEncoder.Encode(value);
        write.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = current.Key, Value = ByteString.CopyFrom(bytes), Lease = current.Lease } });
        var result = await connection.CallAsync((c, o) => c.KV.TxnAsync(write, o).ResponseAsync, stop, key, idempotent: false).ConfigureAwait(false);
        if (result.Succeeded)
        {
            Writes++;
        }
    }

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
