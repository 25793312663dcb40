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
        var metas = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        for (var tick = 0L; !stop.IsCancellationRequested; tick++)
        {
            try
            {
                var ns = scale.IsEmpty ? "default" : LabObjects.WorkloadNamespace(random.Next(namespaces));
                var app = LabObjects.App(random.Next(Math.Max(1, scale.DeploymentsPerNamespace)));

                // Two controllers disagree about one custom resource: each writes its own replica count.
                var fought = objects.SimpleApp(LabObjects.WorkloadNamespace(0), "demo-web", 5, tick % 2 == 0 ? 2 : 3);
                await PutAsync(connection, "/registry/demo.mycompany.com/simpleapps/" + LabObjects.WorkloadNamespace(0) + "/demo-web", LabValueEncoder.EncodeCustom(fought), 0, stop).ConfigureAwait(false);

                // The same object keeps its uid across updates, as it would in a cluster.
                if (!metas.TryGetValue(ns + "/" + app, out var known))
                {
                    known = objects.Meta(app, ns, LabObjects.AppLabels(app));
                    metas[ns + "/" + app] = known;
                }

                var meta = known.DeepClone().AsObject();
                var replicas = Math.Max(1, scale.PodsPerDeployment);
                var ready = replicas - (int)(tick % 2);
                await PutAsync(connection, $"/registry/deployments/{ns}/{app}", LabValueEncoder.Encode(objects.Deployment(meta, app, replicas, 1, 0, ready)), 0, stop).ConfigureAwait(false);

                var ev = objects.Event(ns, "Deployment", app, "ScalingReplicaSet", $"Scaled {(ready < replicas ? "down" : "up")} replica set {app} to {ready}", "deployment-controller");
                var lease = leases.Count > 0 ? leases[random.Next(leases.Count)] : 0;
                await PutAsync(connection, $"/registry/events/{ns}/{ev["metadata"]!["name"]!.GetValue<string>()}", LabValueEncoder.Encode(ev), lease, stop).ConfigureAwait(false);

                if (tick % 4 == 0)
                {
                    for (var i = 0; i < scale.Nodes; i++)
                    {
                        var node = LabObjects.NodeName(i);
                        await PutAsync(connection, $"/registry/leases/kube-node-lease/{node}", LabValueEncoder.Encode(objects.NodeLease(node, DateTimeOffset.UtcNow)), 0, stop).ConfigureAwait(false);
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
