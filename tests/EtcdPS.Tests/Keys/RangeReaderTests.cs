using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Keys;
using System.Text;

namespace EtcdPS.Tests.Keys;

/// <summary>The paged reader against a real etcd: pages, pinning, limits, prefetch, errors, cancellation.</summary>
public sealed class RangeReaderTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>, IAsyncLifetime
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

    private static KeyQuery Prefix(string prefix) => new() { Range = KeyRange.Prefix(prefix) };

    private static async Task<List<EtcdKeyValue>> All(RevisionPinnedRangeReader reader, CancellationToken cancellation = default)
    {
        var list = new List<EtcdKeyValue>();
        await foreach (var kv in reader.ReadAsync(cancellation))
        {
            list.Add(kv);
        }

        return list;
    }

    [Fact]
    public async Task Pages_adapt_to_bytes_and_return_every_key_once_in_order()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.PutMany(Enumerable.Range(0, 1500).Select(i => ($"/paged/k{i:D5}", KeyData.Value(i, 200 + (i % 7 * 100)))));
        var paging = new RangePaging { FirstPageLimit = 50, TargetPageBytes = 64 * 1024, MinPageLimit = 10 };
        var progress = new List<RangeProgress>();
        var reader = new RevisionPinnedRangeReader(Connection, Prefix("/paged/"), paging) { Progress = progress.Add };
        var keys = await All(reader);

        Assert.Equal(Enumerable.Range(0, 1500).Select(i => $"/paged/k{i:D5}"), keys.Select(k => k.Key));
        Assert.Equal(KeyData.Value(1499, 200 + (1499 % 7 * 100)), keys[^1].Value);
        // 50 keys first, then ~64 kB pages of ~0.5 kB keys: far fewer requests than keys, far more than one.
        Assert.InRange(reader.RangeRequests, 8, 40);
        Assert.Equal(reader.RangeRequests, progress.Count);
        Assert.All(progress, p => Assert.Equal(1500, p.Total));
        Assert.Equal(1500, progress[^1].Keys);
        Assert.All(keys, k => Assert.Equal(reader.Revision, k.Revision));
    }

    [Fact]
    public async Task A_listing_is_the_snapshot_of_its_revision_while_10000_keys_are_written()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.PutMany(Enumerable.Range(0, 2000).Select(i => ($"/snapshot/k{i * 2:D6}", "before")));
        using var stop = new CancellationTokenSource();
        var written = 0;
        // The writer puts new keys between the ones already there, while the pages are being read.
        var writer = Task.Run(() =>
        {
            for (var batch = 0; batch < 100 && !stop.IsCancellationRequested; batch++)
            {
                data.PutMany(Enumerable.Range(batch * 100, 100).Select(i => ($"/snapshot/k{(i % 2000 * 2) + 1:D6}-{i}", "during")));
                Interlocked.Add(ref written, 100);
            }
        });
        while (Volatile.Read(ref written) < 500)
        {
            await Task.Delay(5);
        }

        var paging = new RangePaging { FirstPageLimit = 40, TargetPageBytes = 2_000, MinPageLimit = 20, MaxPageLimit = 60 };
        var reader = new RevisionPinnedRangeReader(Connection, Prefix("/snapshot/"), paging);
        var listed = new List<EtcdKeyValue>();
        await foreach (var kv in reader.ReadAsync(default))
        {
            listed.Add(kv);
            if (listed.Count % 200 == 0)
            {
                await Task.Delay(20); // a slow consumer: the writer keeps going between pages
            }
        }

        await writer;
        Assert.Equal(10_000, written);
        var atRevision = data.Count("/snapshot/", reader.Revision);
        Assert.Equal(atRevision, listed.Count);
        Assert.True(data.Count("/snapshot/") > listed.Count, "the writer wrote after the pinned revision");
        Assert.Equal(12_000, data.Count("/snapshot/"));
        Assert.All(listed, k => Assert.True(k.ModRevision <= reader.Revision));
        Assert.Equal(listed.Count, listed.Select(k => k.Key).Distinct().Count());
        Assert.True(reader.RangeRequests > 10);
    }

    [Fact]
    public async Task Taking_one_key_makes_one_request_and_the_second_key_starts_the_prefetch()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.PutMany(Enumerable.Range(0, 300).Select(i => ($"/first/k{i:D4}", "v")));
        var paging = new RangePaging { FirstPageLimit = 10 };

        var one = new RevisionPinnedRangeReader(Connection, Prefix("/first/"), paging);
        await foreach (var _ in one.ReadAsync(default))
        {
            break;
        }

        Assert.Equal(1, one.RangeRequests);

        var two = new RevisionPinnedRangeReader(Connection, Prefix("/first/"), paging);
        var taken = 0;
        await foreach (var _ in two.ReadAsync(default))
        {
            if (++taken == 2)
            {
                break;
            }
        }

        Assert.Equal(2, two.RangeRequests);
        var all = new RevisionPinnedRangeReader(Connection, Prefix("/first/"), paging);
        Assert.Equal(300, (await All(all)).Count);
        Assert.Equal(2, all.RangeRequests); // 10 keys, then the remaining 290 in one byte-sized page
    }

    [Fact]
    public async Task Limits_keys_only_count_only_and_filters()
    {
        using var data = new KeyData(etcd.Endpoint);
        var firstRevision = data.PutMany(Enumerable.Range(0, 100).Select(i => ($"/limits/k{i:D3}", "value" + i)));
        var lastRevision = data.PutMany(Enumerable.Range(100, 50).Select(i => ($"/limits/k{i:D3}", "value" + i)));
        var paging = new RangePaging { FirstPageLimit = 7, MinPageLimit = 7, MaxPageLimit = 7 };

        var limited = await All(new RevisionPinnedRangeReader(Connection, Prefix("/limits/") with { Limit = 23 }, paging));
        Assert.Equal(Enumerable.Range(0, 23).Select(i => $"/limits/k{i:D3}"), limited.Select(k => k.Key));

        var keysOnly = await All(new RevisionPinnedRangeReader(Connection, Prefix("/limits/") with { KeysOnly = true }));
        Assert.Equal(150, keysOnly.Count);
        Assert.All(keysOnly, k => Assert.Empty(k.RawValue));

        var counter = new RevisionPinnedRangeReader(Connection, Prefix("/limits/"));
        Assert.Equal(150, await counter.CountAsync(default));
        Assert.Equal(1, counter.RangeRequests);
        Assert.Equal(0, counter.KeysRead);

        var recent = await All(new RevisionPinnedRangeReader(Connection, Prefix("/limits/") with { MinModRevision = firstRevision + 1 }, paging));
        Assert.Equal(50, recent.Count);
        Assert.All(recent, k => Assert.InRange(k.ModRevision, firstRevision + 1, lastRevision));
        var filteredCount = new RevisionPinnedRangeReader(Connection, Prefix("/limits/") with { MaxCreateRevision = firstRevision });
        Assert.Equal(100, await filteredCount.CountAsync(default));

        var newestFirst = await All(new RevisionPinnedRangeReader(Connection,
            Prefix("/limits/") with { SortBy = KeySortTarget.ModRevision, Descending = true, Limit = 3 }));
        Assert.Equal(3, newestFirst.Count);
        Assert.All(newestFirst, k => Assert.Equal(lastRevision, k.ModRevision));

        var byKeyDescending = await All(new RevisionPinnedRangeReader(Connection, Prefix("/limits/") with { Descending = true, Limit = 2 }));
        Assert.Equal(["/limits/k149", "/limits/k148"], byKeyDescending.Select(k => k.Key));
    }

    [Fact]
    public async Task Reading_at_an_old_revision_sees_the_old_value()
    {
        using var data = new KeyData(etcd.Endpoint);
        var old = data.Put("/mvcc/key", "one");
        data.Put("/mvcc/key", "two");
        var then = await All(new RevisionPinnedRangeReader(Connection, new KeyQuery { Range = KeyRange.Single("/mvcc/key"u8.ToArray()), Revision = old }));
        Assert.Equal("one", Assert.Single(then).Value);
        Assert.Equal(old, then[0].Revision);
    }

    [Fact]
    public async Task Future_and_compacted_revisions_name_the_revisions_to_use()
    {
        using var data = new KeyData(etcd.Endpoint);
        var before = data.Put("/compacted/key", "1");
        var current = data.Put("/compacted/key", "2");
        var future = await Assert.ThrowsAsync<EtcdException>(() =>
            All(new RevisionPinnedRangeReader(Connection, Prefix("/compacted/") with { Revision = current + 1000 })));
        Assert.Equal(EtcdErrorIds.FutureRevision, future.ErrorId);
        Assert.Contains($"current revision is {current}", future.Message);

        data.Compact(current);
        var compacted = await Assert.ThrowsAsync<EtcdException>(() =>
            All(new RevisionPinnedRangeReader(Connection, Prefix("/compacted/") with { Revision = before })));
        Assert.Equal(EtcdErrorIds.RevisionCompacted, compacted.ErrorId);
        Assert.Contains($"oldest available is {current}", compacted.Message);
        Assert.Equal(current, compacted.Revision);
    }

    [Fact]
    public async Task Cancelling_stops_the_read()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.PutMany(Enumerable.Range(0, 200).Select(i => ($"/cancel/k{i:D3}", "v")));
        using var cancel = new CancellationTokenSource();
        var reader = new RevisionPinnedRangeReader(Connection, Prefix("/cancel/"), new RangePaging { FirstPageLimit = 10, MaxPageLimit = 10, MinPageLimit = 10 });
        var seen = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in reader.ReadAsync(cancel.Token))
            {
                if (++seen == 15)
                {
                    await cancel.CancelAsync();
                }
            }
        });
        Assert.InRange(seen, 15, 20);
        // Pages, the prefetch, and at most one window that came back empty (the first window after 10 keys cannot
        // know that k010 follows k009): the read stops there.
        Assert.InRange(reader.RangeRequests, 2, 4);
    }

    [Fact]
    public async Task Edge_keys_and_a_big_value_round_trip()
    {
        using var data = new KeyData(etcd.Endpoint);
        byte[] binaryKey = [.. "/edge/"u8, 0xff, 0x00, 0xc3];
        data.Put(binaryKey, [1, 2, 3]);
        var longKey = "/edge/" + new string('k', 8_000);
        data.Put(longKey, "long");
        var big = new byte[1_400_000];
        new Random(7).NextBytes(big);
        data.Put(Encoding.UTF8.GetBytes("/edge/big"), big);

        var keys = await All(new RevisionPinnedRangeReader(Connection, Prefix("/edge/")));
        Assert.Equal(3, keys.Count);
        var binary = Assert.Single(keys, k => k.RawKey.SequenceEqual(binaryKey));
        Assert.Equal("/edge/\\xff\\x00\\xc3", binary.Key);
        Assert.Equal(ValueKind.Binary, binary.ValueKind);
        Assert.Equal("long", Assert.Single(keys, k => k.Key == longKey).Value);
        var bigValue = Assert.Single(keys, k => k.Key == "/edge/big");
        Assert.Equal(big, bigValue.RawValue);
        Assert.Equal(1_400_000, bigValue.Size);

        var exact = await All(new RevisionPinnedRangeReader(Connection, new KeyQuery { Range = KeyRange.Single(binaryKey) }));
        Assert.Equal(binaryKey, Assert.Single(exact).RawKey);
    }

    [Fact]
    public async Task The_whole_keyspace_and_the_key_zero()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.Put([0], "zero"u8.ToArray());
        var whole = new RevisionPinnedRangeReader(Connection, new KeyQuery { Range = KeyRange.Prefix(Array.Empty<byte>()) });
        var count = await whole.CountAsync(default);
        Assert.Equal(data.CountAll(), count);
        var keys = await All(new RevisionPinnedRangeReader(Connection, new KeyQuery { Range = KeyRange.Prefix(Array.Empty<byte>()), KeysOnly = true }));
        Assert.Equal(count, keys.Count);
        Assert.Equal("\0", keys[0].Key);
        var zero = await All(new RevisionPinnedRangeReader(Connection, new KeyQuery { Range = KeyRange.Single([0]) }));
        Assert.Equal("zero", Assert.Single(zero).Value);
    }
}
