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
        Assert.Equal(532, scale.ExpectedTotal);
        Assert.Equal(532, await LabSeeder.CountAsync(lab.Connection, "\0", "\0", CancellationToken.None));
        Assert.Equal(532, lab.Instance.Lab.KeyCount);
        Assert.Equal(96, await LabSeeder.CountAsync(lab.Connection, "/registry/pods/", LabSeeder.PrefixEnd("/registry/pods/"), CancellationToken.None));
    }

    [Fact]
    public async Task Rolled_out_deployments_have_history_and_time_travel_shows_older_versions()
    {
        var now = await GetAsync("/registry/deployments/shop/web");
        // Created, then two rollouts: each a spec change (generation moves) and the controller's status catching up.
        Assert.Equal(5, now.Version);
        Assert.True(now.ModRevision > now.CreateRevision);
        var before = await GetAsync("/registry/deployments/shop/web", now.ModRevision - 1);
        Assert.Equal(4, before.Version);
        var current = LabValueEncoder.Decode(now.Value.Span);
        Assert.Equal("apps/v1", (string?)current["apiVersion"]);
        Assert.Equal(3L, (long?)current["metadata"]!["generation"]);
        Assert.Equal(3L, (long?)current["status"]!["observedGeneration"]);
        var spec = LabValueEncoder.Decode(before.Value.Span);
        Assert.Equal(3L, (long?)spec["metadata"]!["generation"]);
        Assert.Equal(2L, (long?)spec["status"]!["observedGeneration"]);

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
