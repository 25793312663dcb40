using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Keys;
using EtcdPS.Engine.Maintenance;
using EtcdPS.Engine.Snapshots;
using EtcdPS.Tests.Keys;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Snapshots;

/// <summary>Snapshot file checks, mounting, the read-only guard and the keyspace comparison, against a real etcd.</summary>
public sealed class SnapshotEngineTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>, IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "etcdps-snaptest-" + Guid.NewGuid().ToString("n")[..8]);
    private EtcdConnection? _connection;
    private EtcdConnection Connection => _connection!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _connection = (await EtcdConnector.ConnectAsync(etcd.Server.ConnectionOptions(), CancellationToken.None)).Connection;
    }

    public Task DisposeAsync()
    {
        _connection?.Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private async Task<string> SaveAsync(string name)
    {
        var path = Path.Combine(_folder, name);
        await SnapshotWriter.SaveAsync(Connection, path, overwrite: true, null, null, CancellationToken.None);
        return path;
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static async Task<string> ErrorIdOf(Func<Task> action) => (await Assert.ThrowsAsync<EtcdException>(action)).ErrorId;

    [Fact]
    public async Task The_file_check_tells_a_snapshot_from_a_data_folder_db_a_truncated_a_corrupt_and_a_foreign_file()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.Put("/snapcheck/a", "1");
        var path = await SaveAsync("ok.db");
        var bytes = await File.ReadAllBytesAsync(path);

        var ok = await SnapshotFile.CheckAsync(path, requireTrailer: true, null, CancellationToken.None);
        Assert.True(ok.HasHashTrailer);
        Assert.True(ok.HashValid);
        Assert.Equal(bytes.Length, ok.Size);
        Assert.Matches(@"^3\.\d+\.\d+$", ok.EtcdVersion);

        var noTrailer = Write("db", bytes[..^32]);
        Assert.Equal(EtcdErrorIds.SnapshotNoHashTrailer, await ErrorIdOf(() => SnapshotFile.CheckAsync(noTrailer, true, null, CancellationToken.None)));
        var lenient = await SnapshotFile.CheckAsync(noTrailer, requireTrailer: false, null, CancellationToken.None);
        Assert.False(lenient.HasHashTrailer);
        Assert.Null(lenient.HashValid);
        Assert.Equal(ok.Sha256, lenient.Sha256);

        var truncated = Write("truncated.db", bytes[..^1000]);
        Assert.Equal(EtcdErrorIds.SnapshotTruncated, await ErrorIdOf(() => SnapshotFile.CheckAsync(truncated, false, null, CancellationToken.None)));
        var corrupt = bytes.ToArray();
        corrupt[5000] ^= 0xff;
        var corruptPath = Write("corrupt.db", corrupt);
        Assert.Equal(EtcdErrorIds.SnapshotChecksumMismatch, await ErrorIdOf(() => SnapshotFile.CheckAsync(corruptPath, true, null, CancellationToken.None)));
        Assert.False((await SnapshotFile.CheckAsync(corruptPath, false, null, CancellationToken.None)).HashValid);
        var text = Write("notes.txt", "not a database"u8.ToArray());
        Assert.Equal(EtcdErrorIds.SnapshotNotEtcd, await ErrorIdOf(() => SnapshotFile.CheckAsync(text, false, null, CancellationToken.None)));
        Assert.Equal(EtcdErrorIds.SnapshotNotFound, await ErrorIdOf(() => SnapshotFile.CheckAsync(Path.Combine(_folder, "missing.db"), false, null, CancellationToken.None)));
    }

    [Fact]
    public async Task A_mount_serves_the_snapshot_read_only_and_leaves_nothing_behind()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.Put("/snapmount/a", "before");
        var path = await SaveAsync("mount.db");
        data.Put("/snapmount/a", "after");

        var progress = new List<SnapshotMountProgress>();
        var mounted = await MountedSnapshot.MountAsync(new SnapshotMountOptions { Path = path, Name = "m" }, new SyncProgress(progress), CancellationToken.None);
        string folder;
        using (mounted)
        {
            Assert.True(mounted.IsReadOnly);
            var kv = await new RevisionPinnedRangeReader(mounted, new KeyQuery { Range = KeyRange.Single("/snapmount/a"u8.ToArray()) }).ReadAsync(CancellationToken.None).SingleAsync();
            Assert.Equal("before", kv.Value);
            var refused = await Assert.ThrowsAsync<EtcdException>(() => mounted.CallAsync(
                (c, o) => c.KV.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("/x"), Value = ByteString.CopyFromUtf8("y") }, o).ResponseAsync, CancellationToken.None));
            Assert.Equal(EtcdErrorIds.SnapshotReadOnly, refused.ErrorId);
            folder = Assert.IsType<MountedSnapshot>(mounted.Tunnel).Folder;
            Assert.True(Directory.Exists(Path.Combine(folder, "etcd-0")));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            }
        }

        Assert.False(Directory.Exists(folder));
        Assert.Contains(progress, p => p.Step == "Verifying the file" && p.Done == p.Total);
    }

    [Theory]
    [InlineData("/etcdserverpb.KV/Range", true)]
    [InlineData("/etcdserverpb.KV/Put", false)]
    [InlineData("/etcdserverpb.KV/DeleteRange", false)]
    [InlineData("/etcdserverpb.KV/Compact", false)]
    [InlineData("/etcdserverpb.Maintenance/Defragment", false)]
    [InlineData("/etcdserverpb.Lease/LeaseGrant", false)]
    [InlineData("/etcdserverpb.Cluster/MemberRemove", false)]
    [InlineData("/etcdserverpb.Auth/AuthEnable", false)]
    [InlineData("/etcdserverpb.Watch/Watch", true)]
    [InlineData("/etcdserverpb.Maintenance/Status", true)]
    public void Only_reads_pass_the_read_only_guard(string method, bool read) => Assert.Equal(read, ReadOnlyInterceptor.IsRead(method, null));

    [Fact]
    public void Transactions_and_alarm_calls_pass_only_when_they_read()
    {
        var readTxn = new TxnRequest { Success = { new RequestOp { RequestRange = new RangeRequest() } } };
        var writeTxn = new TxnRequest { Success = { new RequestOp { RequestRange = new RangeRequest() } }, Failure = { new RequestOp { RequestPut = new PutRequest() } } };
        Assert.True(ReadOnlyInterceptor.IsRead("/etcdserverpb.KV/Txn", readTxn));
        Assert.False(ReadOnlyInterceptor.IsRead("/etcdserverpb.KV/Txn", writeTxn));
        Assert.True(ReadOnlyInterceptor.IsRead("/etcdserverpb.Maintenance/Alarm", new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Get }));
        Assert.False(ReadOnlyInterceptor.IsRead("/etcdserverpb.Maintenance/Alarm", new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Deactivate }));
    }

    [Fact]
    public async Task Keyspaces_merge_join_into_exactly_the_added_removed_and_changed_keys()
    {
        using var data = new KeyData(etcd.Endpoint);
        data.PutMany(Enumerable.Range(0, 3000).Select(i => ($"/cmp/k{i:D5}", $"v{i}")));
        var before = data.Put("/cmp/k00010", "v10");  // same value again: a new ModRevision, no change of content
        data.Put("/cmp/k00020", "edited");
        data.Put("/cmp/k02999x", "added");
        data.Put("/cmp/zz", "added at the end");
        await Connection.CallAsync((c, o) => c.KV.DeleteRangeAsync(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("/cmp/k00000") }, o).ResponseAsync, CancellationToken.None);
        var after = data.Put("/cmp/k01500", "edited too");

        var comparer = new KeyspaceComparer(new KeyspaceComparison
        {
            Reference = Connection, Difference = Connection, Prefix = "/cmp/", ReferenceRevision = before, DifferenceRevision = after,
        });
        var differences = await comparer.CompareAsync(CancellationToken.None).ToListAsync();
        Assert.Equal(
            ["Removed /cmp/k00000", "Changed /cmp/k00020", "Changed /cmp/k01500", "Added /cmp/k02999x", "Added /cmp/zz"],
            differences.Select(d => d.ToString()));
        Assert.All(differences, d => Assert.Equal((before, after), (d.ReferenceRevision, d.DifferenceRevision)));
        Assert.Equal(0, differences[0].DifferenceModRevision);
        Assert.Equal(after, differences[2].DifferenceModRevision);
    }

    private sealed class SyncProgress(List<SnapshotMountProgress> into) : IProgress<SnapshotMountProgress>
    {
        public void Report(SnapshotMountProgress value) => into.Add(value);
    }
}
