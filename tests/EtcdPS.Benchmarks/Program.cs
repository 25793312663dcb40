using System.Diagnostics;
using BenchmarkDotNet.Running;
using Etcdserverpb;
using EtcdPS.Engine.Keys;
using Grpc.Net.Client;

namespace EtcdPS.Benchmarks;

/// <summary>
/// EtcdPS.Benchmarks load &lt;endpoint&gt; &lt;count&gt; &lt;minValue&gt; &lt;maxValue&gt;   writes the Kubernetes-like keyspace
/// EtcdPS.Benchmarks once &lt;endpoint&gt; &lt;read&gt;                    one read, timed inside the process (for /usr/bin/time -v)
/// EtcdPS.Benchmarks bdn [BenchmarkDotNet args]                     the BenchmarkDotNet suite
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "load":
                using (var channel = GrpcChannel.ForAddress(args[1]))
                {
                    await KeyLoad.LoadAsync(new KV.KVClient(channel), int.Parse(args[2]), int.Parse(args[3]), int.Parse(args[4]), 100);
                }

                return 0;
            case "revisions":
                // revisions <endpoint> <count> <keys>: <count> single puts (one revision each) over <keys> keys under /noise/.
                using (var channel = GrpcChannel.ForAddress(args[1]))
                {
                    var kv = new KV.KVClient(channel);
                    var count = int.Parse(args[2]);
                    var keys = int.Parse(args[3]);
                    var pending = new List<Task>();
                    for (var i = 0; i < count; i++)
                    {
                        pending.Add(kv.PutAsync(new PutRequest
                        {
                            Key = Google.Protobuf.ByteString.CopyFromUtf8($"/noise/k{i % keys:D5}"),
                            Value = Google.Protobuf.ByteString.CopyFromUtf8($"v{i}"),
                        }).ResponseAsync);
                        if (pending.Count == 64)
                        {
                            await Task.WhenAll(pending);
                            pending.Clear();
                        }
                    }

                    await Task.WhenAll(pending);
                    Console.Error.WriteLine($"wrote {count:N0} revisions over {keys:N0} keys");
                }

                return 0;
            case "once":
                using (var reads = new KeyReads(args[1], "/registry/"))
                {
                    if (args[2].StartsWith("engine", StringComparison.Ordinal))
                    {
                        await reads.ConnectionAsync();
                    }

                    // ONCE_REPEAT=n reads n times in this process: the first read pays the JIT, the others are warm.
                    var repeat = int.Parse(Environment.GetEnvironmentVariable("ONCE_REPEAT") ?? "1");
                    for (var i = 0; i < repeat; i++)
                    {
                        var watch = Stopwatch.StartNew();
                        var (keys, bytes) = args[2] switch
                        {
                            "engine-full" => await reads.EngineFullAsync(),
                            // The alternative windows replaced: limit paging, every page running to the end of the range.
                            "engine-limit" => await reads.EngineFullAsync(RangePaging.Default with { Windowed = false }),
                            "engine-keys" => await reads.EngineKeysOnlyAsync(),
                            "engine-count" => await reads.EngineCountAsync(),
                            "raw-single" => await reads.RawSingleAsync(),
                            "raw-keys" => await reads.RawKeysOnlyAsync(),
                            "raw-paged" => await reads.RawPagedAsync(args.Length > 3 ? int.Parse(args[3]) : 10_000),
                            _ => throw new ArgumentException("unknown read " + args[2]),
                        };
                        var counted = reads.LastReader is { } r ? $", {r.RangeRequests} requests, etcd counted {r.KeysCounted} keys" : string.Empty;
                        Console.WriteLine($"{args[2]}: {keys} keys, {bytes / 1e6:N1} MB value bytes, {watch.Elapsed.TotalSeconds:N3} s{counted}");
                    }
                }

                return 0;
            case "bdn":
                BenchmarkRunner.Run<KeyBenchmarks>(args: args.Skip(1).ToArray());
                return 0;
            default:
                Console.Error.WriteLine("usage: load <endpoint> <count> <min> <max> | once <endpoint> <read> | bdn");
                return 2;
        }
    }
}
