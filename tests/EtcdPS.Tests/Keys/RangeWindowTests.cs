using System.Text;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Keys;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Keys;

/// <summary>
/// Windowed paging against a real etcd: every listing must equal one unpaged Range at the reader's revision, and etcd
/// must count about as many keys as the listing returns (limit paging alone makes it count the rest of the range for
/// every page). Small pages force many windows out of a few thousand keys.
/// </summary>
public sealed class RangeWindowTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>, IAsyncLifetime
{
    private EtcdConnection? _connection;
    private EtcdConnection Connection => _connection!;

    public async Task InitializeAsync() =>
        _connection = (await EtcdConnector.ConnectAsync(etcd.Server.ConnectionOptions(), CancellationToken.None)).Connection;

    public Task DisposeAsync()
    {
        _connection?.Dispose();
        return Task.CompletedTask;
    }

    private static RangePaging Pages(int keys, bool windowed = true) =>
        new() { FirstPageLimit = keys, MinPageLimit = keys, MaxPageLimit = keys, Windowed = windowed };

    private static async Task<List<EtcdKeyValue>> All(RevisionPinnedRangeReader reader)
    {
        var list = new List<EtcdKeyValue>();
        await foreach (var kv in reader.ReadAsync(default))
        {
            list.Add(kv);
        }

        return list;
    }

    /// <summary>One Range with no limit at the revision: what the listing must be, key for key.</summary>
    private static List<(byte[] Key, long ModRevision)> Snapshot(KeyData data, KeyRange range, long revision) =>
        data.Client.KV.Range(new RangeRequest
        {
            Key = ByteString.CopyFrom(range.Start),
            RangeEnd = ByteString.CopyFrom(range.End),
            Revision = revision,
            KeysOnly = true,
        }).Kvs.Select(kv => (kv.Key.ToByteArray(), kv.ModRevision)).ToList();

    private static void PutBytes(KeyData data, IEnumerable<byte[]> keys)
    {
        foreach (var batch in keys.Chunk(100))
        {
            var txn = new TxnRequest();
            foreach (var key in batch)
            {
                txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFrom(key), Value = ByteString.CopyFromUtf8("v") } });
            }

            data.Client.KV.Txn(txn);
        }
    }

    private async Task<RevisionPinnedRangeReader> AssertListsTheSnapshot(KeyData data, KeyQuery query, RangePaging paging)
    {
        var reader = new RevisionPinnedRangeReader(Connection, query, paging);
        var listed = await All(reader);
        var expected = Snapshot(data, query.Range, reader.Revision);
        Assert.Equal(expected.Count, listed.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Key, listed[i].RawKey);
            Assert.Equal(expected[i].ModRevision, listed[i].ModRevision);
        }

        return reader;
    }

    /// <summary>What limit paging costs etcd, in keys counted: the rest of the range for every page.</summary>
    private static long LimitPagingCount(long keys, int page) => Enumerable.Range(0, (int)((keys + page - 1) / page)).Sum(i => keys - ((long)i * page));

    [Fact]
    public async Task An_empty_range_is_one_request()
    {
        using var data = new KeyData(etcd.Endpoint);
        var reader = await AssertListsTheSnapshot(data, new KeyQuery { Range = KeyRange.Prefix("/w-empty/") }, Pages(10));
        Assert.Equal(1, reader.RangeRequests);
        Assert.Equal(0, reader.Total);
    }

    [Fact]
    public async Task One_key_is_one_request()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.Put("/w-one/only", "v");
        var reader = await AssertListsTheSnapshot(data, new KeyQuery { Range = KeyRange.Prefix("/w-one/") }, Pages(10));
        Assert.Equal(1, reader.RangeRequests);
        Assert.Equal(1, reader.KeysRead);
    }

    [Theory]
    [InlineData("/w-late/", 200)] // the keys differ only after byte 200
    [InlineData("/w-shared/", 600)] // the range is short, every key in it shares a 600-byte prefix
    public async Task Keys_that_differ_only_far_into_a_long_common_prefix_are_windowed(string prefix, int shared)
    {
        using var data = new KeyData(etcd.Endpoint);
        var stem = prefix + new string('p', shared - prefix.Length);
        data.PutMany(Enumerable.Range(0, 2000).Select(i => ($"{stem}{i * 7:D6}", "v")));
        var reader = await AssertListsTheSnapshot(data, new KeyQuery { Range = KeyRange.Prefix(prefix) }, Pages(50));
        Assert.Equal(2000, reader.KeysRead);
        Assert.InRange(reader.RangeRequests, 40, 140);
        Assert.InRange(reader.KeysCounted, 2000, 2000 + (3 * 2000));
    }

    [Fact]
    public async Task Binary_keys_with_every_byte_value_are_windowed()
    {
        using var data = new KeyData(etcd.Endpoint);
        var random = new Random(13);
        var keys = Enumerable.Range(0, 3000).Select(_ =>
        {
            var suffix = new byte[random.Next(1, 6)];
            random.NextBytes(suffix);
            return (byte[])[.. "/w-bin/"u8, .. suffix];
        }).DistinctBy(Convert.ToHexString).ToList();
        keys.Add([.. "/w-bin/"u8, 0xff, 0xff, 0xff]);
        keys.Add([.. "/w-bin/"u8, 0x00]);
        PutBytes(data, keys);
        var distinct = keys.Select(Convert.ToHexString).Distinct().Count();

        var reader = await AssertListsTheSnapshot(data, new KeyQuery { Range = KeyRange.Prefix("/w-bin/") }, Pages(40));
        Assert.Equal(distinct, reader.KeysRead);
        Assert.InRange(reader.KeysCounted, distinct, 4L * distinct);
    }

    [Fact]
    public async Task Dense_sparse_and_decimal_subtrees_stay_linear_and_end_at_the_end_of_the_keyspace()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.PutMany(Enumerable.Range(0, 3000).Select(i => ($"/w-mix/a/obj-{i}", "v")));
        data.PutMany(Enumerable.Range(0, 7).Select(i => ($"/w-mix/b/{(char)('a' + i)}", "v")));
        data.PutMany(Enumerable.Range(0, 2000).Select(i => ($"/w-mix/c/ns-{i % 40:D2}/{Guid.NewGuid():N}", "v")));
        data.PutMany(Enumerable.Range(0, 1000).Select(i => ($"/w-mix/d{i:D4}", "v")));

        var prefix = await AssertListsTheSnapshot(data, new KeyQuery { Range = KeyRange.Prefix("/w-mix/") }, Pages(60));
        Assert.Equal(6007, prefix.KeysRead);
        // Unpadded counters (obj-1, obj-10, obj-100, obj-1000) are the hardest for interpolation; still linear.
        Assert.InRange(prefix.KeysCounted, 6007, 6L * 6007);
        Assert.True(prefix.KeysCounted < LimitPagingCount(6007, 60) / 5);

        // From a key to the end of the keyspace ("\0"): windows must still end inside it.
        var fromKey = await AssertListsTheSnapshot(data, new KeyQuery { Range = KeyRange.FromKey("/w-mix/c/"u8.ToArray()), KeysOnly = true }, Pages(60));
        Assert.True(fromKey.KeysRead >= 3000);
    }

    [Fact]
    public async Task Leaving_one_resource_for_the_next_does_not_count_the_rest_of_the_keyspace()
    {
        // The shape of /registry: resource directories, each with namespaces of objects. Finishing one resource and
        // finding the next must not cost a count of every key after it (that is quadratic in the number of resources).
        using var data = new KeyData(etcd.Endpoint);
        string[] resources = ["configmaps", "deployments", "endpointslices", "events", "leases", "pods", "replicasets", "secrets", "serviceaccounts", "services/specs"];
        data.PutMany(resources.SelectMany(r => Enumerable.Range(0, 600).Select(i => ($"/w-res/{r}/ns-{i % 30}/obj-{i:D7}", "v"))));

        var reader = await AssertListsTheSnapshot(data, new KeyQuery { Range = KeyRange.Prefix("/w-res/") }, Pages(200));
        Assert.Equal(6000, reader.KeysRead);
        Assert.InRange(reader.KeysCounted, 6000, 4 * 6000);
    }

    [Fact]
    public async Task Limit_paging_counts_the_rest_of_the_range_for_every_page_windows_do_not()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.PutMany(Enumerable.Range(0, 4000).Select(i => ($"/w-cost/k{i:D5}", "v")));
        var limited = await AssertListsTheSnapshot(data, new KeyQuery { Range = KeyRange.Prefix("/w-cost/") }, Pages(100, windowed: false));
        var windowed = await AssertListsTheSnapshot(data, new KeyQuery { Range = KeyRange.Prefix("/w-cost/") }, Pages(100));

        Assert.Equal(LimitPagingCount(4000, 100), limited.KeysCounted);
        Assert.InRange(windowed.KeysCounted, 4000, 3 * 4000);
        Assert.InRange(windowed.RangeRequests, 40, 80);
    }

    [Fact]
    public async Task A_limit_and_revision_filters_apply_across_windows()
    {
        using var data = new KeyData(etcd.Endpoint);
        var first = data.PutMany(Enumerable.Range(0, 1500).Select(i => ($"/w-filter/k{i:D5}", "v")));
        data.PutMany(Enumerable.Range(0, 1500).Where(i => i % 3 == 0).Select(i => ($"/w-filter/k{i:D5}", "changed")));

        var limited = await All(new RevisionPinnedRangeReader(Connection,
            new KeyQuery { Range = KeyRange.Prefix("/w-filter/"), Limit = 777 }, Pages(50)));
        Assert.Equal(Enumerable.Range(0, 777).Select(i => $"/w-filter/k{i:D5}"), limited.Select(k => k.Key));

        var changed = new RevisionPinnedRangeReader(Connection,
            new KeyQuery { Range = KeyRange.Prefix("/w-filter/"), MinModRevision = first + 1 }, Pages(50));
        var list = await All(changed);
        Assert.Equal(Enumerable.Range(0, 1500).Where(i => i % 3 == 0).Select(i => $"/w-filter/k{i:D5}"), list.Select(k => k.Key));
        Assert.InRange(changed.KeysCounted, 1500, 4 * 1500);

        var oldest = await All(new RevisionPinnedRangeReader(Connection,
            new KeyQuery { Range = KeyRange.Prefix("/w-filter/"), MaxModRevision = first, Limit = 10 }, Pages(50)));
        Assert.Equal(new[] { 1, 2, 4, 5, 7, 8, 10, 11, 13, 14 }.Select(i => $"/w-filter/k{i:D5}"), oldest.Select(k => k.Key));
    }

    [Fact]
    public async Task Keys_written_and_deleted_during_the_listing_leave_the_snapshot_of_its_revision()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.PutMany(Enumerable.Range(0, 3000).Select(i => ($"/w-live/k{i * 2:D6}", "before")));
        using var stop = new CancellationTokenSource();
        var changes = 0;
        var writer = Task.Run(() =>
        {
            using var writes = new KeyData(etcd.Endpoint);
            for (var i = 0; i < 3000 && !stop.IsCancellationRequested; i += 10)
            {
                // New keys between the listed ones, deletions of listed ones, and keys after the end of the range so far.
                writes.PutMany(Enumerable.Range(i, 10).Select(j => ($"/w-live/k{(j * 2) + 1:D6}", "during")));
                writes.Client.KV.DeleteRange(new DeleteRangeRequest
                {
                    Key = ByteString.CopyFromUtf8($"/w-live/k{i * 2:D6}"),
                    RangeEnd = ByteString.CopyFromUtf8($"/w-live/k{(i * 2) + 6:D6}"),
                });
                writes.Put($"/w-live/z{i:D6}", "after");
                Interlocked.Add(ref changes, 12);
            }
        });
        while (Volatile.Read(ref changes) < 200)
        {
            await Task.Delay(5);
        }

        var reader = new RevisionPinnedRangeReader(Connection, new KeyQuery { Range = KeyRange.Prefix("/w-live/") }, Pages(40));
        var listed = new List<EtcdKeyValue>();
        await foreach (var kv in reader.ReadAsync(default))
        {
            listed.Add(kv);
            if (listed.Count % 300 == 0)
            {
                await Task.Delay(15); // a slow consumer: the writer keeps going between windows
            }
        }

        await stop.CancelAsync();
        await writer;
        var expected = Snapshot(data, KeyRange.Prefix("/w-live/"), reader.Revision);
        Assert.Equal(expected.Select(e => Encoding.UTF8.GetString(e.Key)), listed.Select(k => k.Key));
        Assert.Equal(expected.Select(e => e.ModRevision), listed.Select(k => k.ModRevision));
        Assert.NotEqual(data.Count("/w-live/"), listed.Count);
        Assert.True(reader.RangeRequests > 20);
    }
}
