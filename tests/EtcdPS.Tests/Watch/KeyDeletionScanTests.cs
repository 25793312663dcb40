using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Watch;
using EtcdPS.Tests.Keys;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Watch;

/// <summary>
/// The deletions of a deleted key, from a watch over the key and one neighbour: exactly the deletions up to the target
/// revision, whatever else the history holds, on the etcd under test (3.4.23 has etcd issue #15220).
/// </summary>
public sealed class KeyDeletionScanTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>, IAsyncLifetime
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

    private static long Delete(KeyData data, string key) =>
        data.Client.KV.DeleteRange(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(key) }).Header.Revision;

    private KeyDeletionScan Scan(string key) => new(Connection, ByteString.CopyFromUtf8(key), key);

    [Fact]
    public async Task Every_deletion_among_unrelated_history_and_none_after_the_target()
    {
        using var data = new KeyData(etcd.Endpoint);
        var expected = new List<long>();
        for (var life = 0; life < 5; life++)
        {
            data.Put("/scan/a/victim", $"life {life}");
            data.PutMany(Enumerable.Range(0, 300).Select(i => ($"/scan/other/k{i}", $"{life}")));
            data.Put("/scan/a/victim", $"life {life} again");
            expected.Add(Delete(data, "/scan/a/victim"));
        }

        data.Put("/scan/a/zz-neighbour", "written after the last deletion");
        var target = data.Put("/scan/b/unrelated", "x");
        data.Put("/scan/a/victim", "after the target");
        Delete(data, "/scan/a/victim");

        var scan = Scan("/scan/a/victim");
        Assert.Equal(expected, await scan.DeletionsAsync(target, default));
        Assert.False(scan.WatchedKeyspace);
        Assert.Equal(1, scan.Watches);
    }

    [Fact]
    public async Task More_than_one_batch_of_1000_revisions_is_followed_to_the_end()
    {
        using var data = new KeyData(etcd.Endpoint);
        var expected = new List<long>();
        for (var i = 0; i < 700; i++)
        {
            data.Put("/scan/many/key", $"v{i}");
            expected.Add(Delete(data, "/scan/many/key"));
        }

        var target = data.Put("/scan/many/next", "neighbour");
        var scan = Scan("/scan/many/key");
        Assert.Equal(expected, await scan.DeletionsAsync(target, default));
        Assert.True(scan.Watches >= 2, "1,401 revisions of events need more than one sync batch");
    }

    [Fact]
    public async Task A_key_with_no_neighbour_written_since_is_scanned_over_the_keyspace()
    {
        using var data = new KeyData(etcd.Endpoint);
        // The last key of the keyspace: nothing after it can serve as the neighbour.
        const string last = "\u007f\u007f\u007fscan-last";
        data.Put(last, "one");
        var deleted = Delete(data, last);
        var target = data.Put("/scan/elsewhere", "x");

        var scan = Scan(last);
        Assert.Equal([deleted], await scan.DeletionsAsync(target, default));
        Assert.True(scan.WatchedKeyspace);
    }

    [Fact]
    public async Task A_key_that_never_existed_has_no_deletions()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.Put("/scan/never/after", "neighbour");
        var target = data.Put("/scan/never/zz", "x");
        Assert.Empty(await Scan("/scan/never/key").DeletionsAsync(target, default));
    }

    [Fact]
    public async Task Writes_during_the_scan_do_not_change_its_result()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.Put("/scan/live/key", "1");
        var first = Delete(data, "/scan/live/key");
        data.Put("/scan/live/next", "neighbour");
        var target = data.PutMany(Enumerable.Range(0, 3000).Select(i => ($"/scan/live/noise/{i}", "x")));
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() =>
        {
            using var writes = new KeyData(etcd.Endpoint);
            while (!stop.IsCancellationRequested)
            {
                writes.Put("/scan/live/key", "later");
                Delete(writes, "/scan/live/key");
            }
        });
        try
        {
            Assert.Equal([first], await Scan("/scan/live/key").DeletionsAsync(target, default));
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }
    }
}
