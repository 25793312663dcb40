using System.Collections.Concurrent;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using EtcdPS.Engine.Lab;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace EtcdPS.Tests.Watch;

/// <summary>
/// Zero loss across member failure, against a fresh 3-member cluster per test: a writer puts N keys as fast as it can
/// while Watch-EtcdPrefix runs; midway the member the watch reads from is killed (or frozen with SIGSTOP for 10 s).
/// </summary>
public sealed class WatchReliabilityTests : IAsyncLifetime
{
    private const int N = 5000;
    private const string Prefix = "/zero-loss/";
    private EtcdServer? _server;

    private EtcdServer Server => _server!;

    public async Task InitializeAsync()
    {
        EtcdServer.FindEtcd();
        _server = await EtcdServer.StartAsync(new EtcdServerOptions { Members = 3 }, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public Task Killing_the_watched_member_loses_and_repeats_nothing() =>
        RunAsync(async () =>
        {
            Server.Kill(0);
            await Task.CompletedTask;
        }, "resuming at revision");

    [Fact]
    public Task Freezing_the_watched_member_for_ten_seconds_loses_and_repeats_nothing() =>
        RunAsync(async () =>
        {
            Server.Signal(0, stop: true);
            _ = Task.Delay(TimeSpan.FromSeconds(10)).ContinueWith(_ => Server.Signal(0, stop: false), TaskScheduler.Default);
            await Task.CompletedTask;
        }, "stopped answering the watch"); // found by the silence watchdog: a frozen member closes nothing

    private async Task RunAsync(Func<Task> fail, string expectedDiagnostic)
    {
        var urls = Server.ClientUrls;
        using var writerClients = new DisposableList(urls.Skip(1).Select(u => new Engine.Connection.EndpointClient(new Uri(u), null, TimeSpan.FromSeconds(5))));
        var start = writerClients.Items[0].KV.Range(new RangeRequest { Key = ByteString.CopyFrom(0), CountOnly = true }).Header.Revision + 1;

        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript($"Import-Module '{RepoPaths.ModuleManifest}' -ErrorAction Stop; " +
                     $"Connect-Etcd {string.Join(",", urls.Select(u => $"'{u}'"))}; " +
                     $"Watch-EtcdPrefix {Prefix} -Revision {start} -Verbose");
        var output = new PSDataCollection<PSObject>();
        var events = new ConcurrentQueue<EtcdWatchEventView>();
        output.DataAdded += (_, e) =>
        {
            var o = output[e.Index];
            events.Enqueue(new EtcdWatchEventView((string)o.Properties["Key"].Value, (long)o.Properties["ModRevision"].Value, (string)o.Properties["Endpoint"].Value));
        };
        var running = ps.BeginInvoke<PSObject, PSObject>(null, output);

        var next = -1;
        async Task WriteAsync(int writer)
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < N)
            {
                if (i == N / 2)
                {
                    // Midway: once the watch is visibly streaming from member 0, fail that member.
                    await WaitUntilAsync(() => events.Count >= N / 5, "the watch to stream");
                    Assert.All(events, e => Assert.Equal(urls[0], e.Endpoint));
                    await fail();
                }

                await PutWithRetryAsync(writerClients.Items[writer % writerClients.Items.Count], $"{Prefix}{i:00000}");
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 16).Select(WriteAsync));

        // Every put is one revision; a put retried after an ambiguous failure may have landed twice (Version 2),
        // so the exact expectation is the sum of versions etcd holds.
        var stored = await writerClients.Items[0].KV.RangeAsync(new RangeRequest
        {
            Key = ByteString.CopyFromUtf8(Prefix),
            RangeEnd = ByteString.CopyFromUtf8(Prefix[..^1] + "0"),
            KeysOnly = true,
        });
        Assert.Equal(N, stored.Kvs.Count);
        var expected = stored.Kvs.Sum(kv => kv.Version);
        await WaitUntilAsync(() => events.Count >= expected, $"{expected} events");
        await Task.Delay(500); // let a duplicate, if the watcher made one, show up before stopping
        ps.Stop();
        try
        {
            ps.EndInvoke(running);
        }
        catch (PipelineStoppedException)
        {
        }

        var got = events.ToArray();
        Assert.Equal(expected, got.Length);
        Assert.Empty(ps.Streams.Error);
        var revisions = got.Select(e => e.ModRevision).ToArray();
        Assert.True(revisions.Zip(revisions.Skip(1)).All(p => p.First < p.Second), "events must be unique and in ModRevision order");
        Assert.Equal(stored.Kvs.Select(kv => kv.Key.ToStringUtf8()).Order(StringComparer.Ordinal), got.Select(e => e.Key).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(got, e => e.Endpoint != urls[0]);
        Assert.Contains(ps.Streams.Verbose, v => v.Message.Contains("resuming at revision", StringComparison.Ordinal));
        Assert.Contains(ps.Streams.Verbose, v => v.Message.Contains(expectedDiagnostic, StringComparison.Ordinal));
    }

    private static async Task PutWithRetryAsync(Engine.Connection.EndpointClient client, string key)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.KV.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8("v") },
                    deadline: DateTime.UtcNow.AddSeconds(5));
                return;
            }
            catch (RpcException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Gave up waiting for {what}.");
            await Task.Delay(50);
        }
    }

    private sealed record EtcdWatchEventView(string Key, long ModRevision, string Endpoint);

    private sealed class DisposableList(IEnumerable<Engine.Connection.EndpointClient> items) : IDisposable
    {
        public List<Engine.Connection.EndpointClient> Items { get; } = items.ToList();

        public void Dispose() => Items.ForEach(i => i.Dispose());
    }
}
