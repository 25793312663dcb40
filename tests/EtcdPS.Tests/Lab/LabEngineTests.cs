using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Lab;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Lab;

/// <summary>One Small lab shared by the checks of what the seed promises.</summary>
public sealed class SmallLabFixture : IAsyncLifetime
{
    internal LabInstance Instance { get; private set; } = null!;
    internal EtcdConnection Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Instance = await LabController.StartAsync(new LabOptions { Name = "xunit-small-" + Guid.NewGuid().ToString("n")[..6], Port = null, Seed = EtcdLabSeed.Small },
            null, CancellationToken.None);
        Connection = (await EtcdConnector.ConnectAsync(Instance.Server.ConnectionOptions(), CancellationToken.None)).Connection;
    }

    public async Task DisposeAsync()
    {
        Connection.Dispose();
        LabRegistry.TryRemove(Instance.Lab.Name, out _);
        await LabController.StopAsync(Instance, keepData: false);
    }
}

public sealed class SmallLabSeedTests(SmallLabFixture lab) : IClassFixture<SmallLabFixture>
{
    [Fact]
    public async Task Every_resource_has_the_promised_count()
    {
        foreach (var (prefix, expected) in LabScale.For(EtcdLabSeed.Small).ExpectedCounts())
        {
            var actual = await LabSeeder.CountAsync(lab.Connection, prefix, LabSeeder.PrefixEnd(prefix), CancellationToken.None);
            Assert.True(expected == actual, $"{prefix}: expected {expected}, found {actual}");
        }
    }

    [Fact]
    public async Task Small_is_about_500_keys_with_the_documented_numbers()
    {
        var scale = LabScale.For(EtcdLabSeed.Small);
        Assert.Equal(24, scale.Deployments);
        Assert.Equal(96, scale.Pods);
        Assert.Equal(526, scale.ExpectedTotal);
        Assert.Equal(526, await LabSeeder.CountAsync(lab.Connection, "\0", "\0", CancellationToken.None));
        Assert.Equal(526, lab.Instance.Lab.KeyCount);
        Assert.Equal(96, await LabSeeder.CountAsync(lab.Connection, "/registry/pods/", LabSeeder.PrefixEnd("/registry/pods/"), CancellationToken.None));
    }

    [Fact]
    public async Task Rolled_out_deployments_have_history_and_time_travel_shows_older_versions()
    {
        var now = await GetAsync("/registry/deployments/shop/web");
        Assert.Equal(4, now.Version);
        Assert.True(now.ModRevision > now.CreateRevision);
        var before = await GetAsync("/registry/deployments/shop/web", now.ModRevision - 1);
        Assert.Equal(3, before.Version);
        var current = LabValueEncoder.Decode(now.Value.Span);
        Assert.Equal("apps/v1", (string?)current["apiVersion"]);
        Assert.Equal(3L, (long?)current["metadata"]!["generation"]);
        Assert.Equal(2L, (long?)LabValueEncoder.Decode(before.Value.Span)["metadata"]!["generation"]);

        var config = await GetAsync("/registry/configmaps/payments/web-config");
        Assert.Equal(3, config.Version);
        Assert.Equal(4, (await GetAsync("/registry/demo.mycompany.com/simpleapps/catalog/demo-web")).Version);
    }

    [Fact]
    public async Task A_deleted_configmap_is_gone_now_but_readable_at_an_older_revision()
    {
        var key = "/registry/configmaps/shop/web-migration-lock";
        var range = await RangeAsync(key, 0);
        Assert.Empty(range.Kvs);
        // Its history sits between the configmap edits and the SimpleApp updates that followed.
        var config = await GetAsync("/registry/configmaps/shop/web-config");
        var atCreate = await RangeAsync(key, config.ModRevision + 1);
        Assert.Single(atCreate.Kvs);
    }

    [Fact]
    public async Task Compaction_is_real_and_recorded_in_compact_rev_key()
    {
        var compactRev = await GetAsync("compact_rev_key");
        var revision = long.Parse(compactRev.Value.ToStringUtf8(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(revision > 1);
        var ex = await Assert.ThrowsAsync<EtcdException>(() => RangeAsync("/registry/namespaces/default", revision - 1));
        Assert.Equal(EtcdErrorIds.RevisionCompacted, ex.ErrorId);
        Assert.NotEmpty((await RangeAsync("/registry/namespaces/default", revision)).Kvs);
    }

    [Fact]
    public async Task Events_live_on_leases_with_a_ttl()
    {
        var events = await lab.Connection.CallAsync((c, o) => c.KV.RangeAsync(new RangeRequest
        {
            Key = ByteString.CopyFromUtf8("/registry/events/"),
            RangeEnd = ByteString.CopyFromUtf8(LabSeeder.PrefixEnd("/registry/events/")),
            Limit = 20,
        }, o).ResponseAsync, CancellationToken.None);
        Assert.Equal(20, events.Kvs.Count);
        Assert.All(events.Kvs, kv => Assert.NotEqual(0, kv.Lease));
        var ttl = await lab.Connection.CallAsync((c, o) => c.Lease.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = events.Kvs[0].Lease, Keys = true }, o).ResponseAsync, CancellationToken.None);
        Assert.InRange(ttl.TTL, 1, 3600);
        Assert.Contains(ttl.Keys, k => k.ToStringUtf8() == events.Kvs[0].Key.ToStringUtf8());
        var pods = await RangeAsync("/registry/pods/shop/", 0, prefix: true);
        Assert.All(pods.Kvs, kv => Assert.Equal(0, kv.Lease));
    }

    [Fact]
    public async Task Objects_carry_the_metadata_the_api_server_writes()
    {
        var pods = await RangeAsync("/registry/pods/catalog/", 0, prefix: true);
        var pod = LabValueEncoder.Decode(pods.Kvs[0].Value.Span);
        Assert.Equal("Pod", (string?)pod["kind"]);
        var meta = pod["metadata"]!;
        Assert.Equal("catalog", (string?)meta["namespace"]);
        Assert.True(Guid.TryParse((string?)meta["uid"], out _));
        Assert.EndsWith("Z", (string?)meta["creationTimestamp"], StringComparison.Ordinal);
        Assert.Equal("ReplicaSet", (string?)meta["ownerReferences"]![0]!["kind"]);
        Assert.True(string.IsNullOrEmpty((string?)meta["resourceVersion"]), "the API server stores objects without resourceVersion");
        Assert.Equal("Running", (string?)pod["status"]!["phase"]);

        var crd = await GetAsync("/registry/apiextensions.k8s.io/customresourcedefinitions/simpleapps.demo.mycompany.com");
        Assert.StartsWith("{", crd.Value.ToStringUtf8(), StringComparison.Ordinal);
        var cr = await RangeAsync("/registry/demo.mycompany.com/configmapapps/shop/", 0, prefix: true);
        Assert.Equal("ConfigMapApp", System.Text.Json.JsonDocument.Parse(cr.Kvs[0].Value.Memory).RootElement.GetProperty("kind").GetString());
    }

    private async Task<Mvccpb.KeyValue> GetAsync(string key, long revision = 0) => Assert.Single((await RangeAsync(key, revision)).Kvs);

    private Task<RangeResponse> RangeAsync(string key, long revision, bool prefix = false) =>
        lab.Connection.CallAsync((c, o) => c.KV.RangeAsync(new RangeRequest
        {
            Key = ByteString.CopyFromUtf8(key),
            RangeEnd = prefix ? ByteString.CopyFromUtf8(LabSeeder.PrefixEnd(key)) : ByteString.Empty,
            Revision = revision,
        }, o).ResponseAsync, CancellationToken.None);
}

public sealed class LabLifecycleTests
{
    [Fact]
    public async Task Three_members_start_and_stop_cleanly_and_only_their_processes_end()
    {
        using var bystander = await EtcdServer.StartAsync(new EtcdServerOptions(), CancellationToken.None);
        var instance = await LabController.StartAsync(new LabOptions { Name = "xunit-three", Members = 3, Seed = EtcdLabSeed.None, Port = null }, null, CancellationToken.None);
        try
        {
            Assert.Equal(3, instance.Lab.Members);
            Assert.Equal(3, instance.Lab.ProcessIds.Distinct().Count());
            using var connection = (await EtcdConnector.ConnectAsync(instance.Server.ConnectionOptions(), CancellationToken.None)).Connection;
            var members = await connection.CallAsync((c, o) => c.Cluster.MemberListAsync(new MemberListRequest(), o).ResponseAsync, CancellationToken.None);
            Assert.Equal(3, members.Members.Count);
        }
        finally
        {
            LabRegistry.TryRemove(instance.Lab.Name, out _);
            await LabController.StopAsync(instance, keepData: false);
        }

        foreach (var pid in instance.Lab.ProcessIds)
        {
            Assert.True(HasExited(pid), $"etcd process {pid} is still running");
        }

        Assert.False(Directory.Exists(instance.Lab.DataPath));
        Assert.True(instance.Lab.IsStopped);
        Assert.True(bystander.Members[0].IsRunning, "an etcd the lab did not start was stopped");
    }

    [Fact]
    public async Task Ports_in_use_are_skipped()
    {
        var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        try
        {
            var port = ((IPEndPoint)busy.LocalEndpoint).Port;
            var instance = await LabController.StartAsync(new LabOptions { Name = "xunit-ports", Seed = EtcdLabSeed.None, Port = port }, null, CancellationToken.None);
            try
            {
                var used = new Uri(instance.Lab.Endpoints[0]).Port;
                Assert.NotEqual(port, used);
                Assert.True(used > port);
            }
            finally
            {
                LabRegistry.TryRemove(instance.Lab.Name, out _);
                await LabController.StopAsync(instance, keepData: false);
            }
        }
        finally
        {
            busy.Stop();
        }
    }

    [Fact]
    public async Task A_missing_etcd_gives_the_install_command()
    {
        var ex = await Assert.ThrowsAsync<EtcdException>(() => LabController.StartAsync(
            new LabOptions { Name = "xunit-missing", EtcdPath = "/nonexistent/bin/etcd", Port = null }, null, CancellationToken.None));
        Assert.Equal("EtcdNotInstalled", ex.ErrorId);
        Assert.Contains("apt-get install -y etcd-server", ex.RecommendedAction, StringComparison.Ordinal);
        Assert.Null(LabRegistry.Find("xunit-missing"));
    }

    [Fact]
    public async Task Activity_keeps_writing_until_the_lab_stops()
    {
        var instance = await LabController.StartAsync(new LabOptions { Name = "xunit-activity", Seed = EtcdLabSeed.Small, Activity = true, Port = null }, null, CancellationToken.None);
        try
        {
            using var connection = (await EtcdConnector.ConnectAsync(instance.Server.ConnectionOptions(), CancellationToken.None)).Connection;
            var seeded = instance.Lab.Revision;
            var key = ByteString.CopyFromUtf8("/registry/demo.mycompany.com/simpleapps/shop/demo-web");
            var watch = Stopwatch.StartNew();
            RangeResponse now;
            do
            {
                await Task.Delay(200);
                now = await connection.CallAsync((c, o) => c.KV.RangeAsync(new RangeRequest { Key = key }, o).ResponseAsync, CancellationToken.None);
            }
            while (now.Header.Revision < seeded + 10 && watch.Elapsed < TimeSpan.FromSeconds(30));

            Assert.True(now.Header.Revision >= seeded + 10, "the background writer did not write");
            Assert.True(Assert.Single(now.Kvs).Version > 4, "the fought-over SimpleApp's Version does not climb");
            Assert.True(instance.Lab.Activity);
        }
        finally
        {
            LabRegistry.TryRemove(instance.Lab.Name, out _);
            await LabController.StopAsync(instance, keepData: false);
        }

        Assert.False(instance.Lab.Activity);
    }

    [Fact]
    public async Task A_second_lab_with_the_same_name_is_refused()
    {
        var instance = await LabController.StartAsync(new LabOptions { Name = "xunit-twice", Seed = EtcdLabSeed.None, Port = null }, null, CancellationToken.None);
        try
        {
            var ex = await Assert.ThrowsAsync<EtcdException>(() => LabController.StartAsync(new LabOptions { Name = "xunit-twice", Port = null }, null, CancellationToken.None));
            Assert.Equal("EtcdLabRunning", ex.ErrorId);
        }
        finally
        {
            LabRegistry.TryRemove(instance.Lab.Name, out _);
            await LabController.StopAsync(instance, keepData: false);
        }
    }

    internal static bool HasExitedNow(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    internal static bool HasExited(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.WaitForExit(10_000);
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}

public sealed class LabScaleTests
{
    [Theory]
    [InlineData(EtcdLabSeed.Small, 400, 700)]
    [InlineData(EtcdLabSeed.Medium, 18_000, 22_000)]
    [InlineData(EtcdLabSeed.Large, 180_000, 220_000)]
    public void Seeds_have_the_promised_sizes(EtcdLabSeed seed, long atLeast, long atMost)
    {
        Assert.InRange(LabScale.For(seed).ExpectedTotal, atLeast, atMost);
    }

    [Fact]
    public void None_is_empty()
    {
        Assert.Equal(0, LabScale.For(EtcdLabSeed.None).ExpectedTotal);
    }

    [Fact]
    public void Custom_resources_are_compact_json_ending_with_a_newline()
    {
        var text = Encoding.UTF8.GetString(LabValueEncoder.EncodeCustom(new LabObjects().SimpleApp("shop", "x", 1, 2)));
        Assert.StartsWith("{\"kind\":\"SimpleApp\",\"apiVersion\":\"demo.mycompany.com/v1\"", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Built_in_objects_read_back_as_written()
    {
        var ns = LabValueEncoder.Decode(LabValueEncoder.Encode(new LabObjects().Namespace("x")));
        Assert.Equal("Namespace", (string?)ns["kind"]);
        Assert.Equal("x", (string?)ns["metadata"]!["name"]);
        Assert.Equal("Active", (string?)ns["status"]!["phase"]);
    }
}
