using System.Diagnostics;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Benchmarks;

/// <summary>Writes a Kubernetes-like keyspace: /registry/&lt;resource&gt;/ns-&lt;n&gt;/obj-&lt;n&gt;, values of a given size range.</summary>
internal static class KeyLoad
{
    private static readonly string[] Resources = ["pods", "configmaps", "secrets", "events", "services/specs", "deployments", "replicasets", "leases"];

    public static async Task<long> LoadAsync(KV.KVClient kv, int count, int minValue, int maxValue, int namespaces)
    {
        var random = new Random(42);
        var watch = Stopwatch.StartNew();
        long bytes = 0;
        const int batch = 100;
        var pending = new List<Task>();
        for (var start = 0; start < count; start += batch)
        {
            var txn = new TxnRequest();
            for (var i = start; i < Math.Min(count, start + batch); i++)
            {
                var key = $"/registry/{Resources[i % Resources.Length]}/ns-{i % namespaces}/obj-{i:D7}";
                var value = new byte[random.Next(minValue, maxValue + 1)];
                random.NextBytes(value);
                value[0] = 0x6b; value[1] = 0x38; value[2] = 0x73; value[3] = 0; // "k8s\0": protobuf-like values
                bytes += key.Length + value.Length;
                txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = UnsafeByteOperations.UnsafeWrap(value) } });
            }

            pending.Add(kv.TxnAsync(txn).ResponseAsync);
            if (pending.Count == 8)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }
        }

        await Task.WhenAll(pending);
        Console.Error.WriteLine($"loaded {count:N0} keys, {bytes / 1e6:N1} MB in {watch.Elapsed.TotalSeconds:N1} s");
        return bytes;
    }
}
