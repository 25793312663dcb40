using System.Diagnostics;
using System.Text.Json;
using Etcdserverpb;
using EtcdPS.Engine.Lab;
using EtcdPS.Engine.Maintenance;
using Google.Protobuf;

namespace EtcdPS.Tests.Maintenance;

public sealed class MaintenanceTests(SingleEtcdFixture etcd) : CmdletTestBase(etcd.Endpoint), IClassFixture<SingleEtcdFixture>
{
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdps-maint-").FullName;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Directory.Delete(_dir, recursive: true);
    }

    private void Fill(string prefix, int keys, int valueSize)
    {
        var value = new byte[valueSize];
        Random.Shared.NextBytes(value);
        for (var i = 0; i < keys; i++)
        {
            _raw.Put($"{prefix}{i:D4}", value);
        }
    }

    [Fact]
    public void Compaction_makes_older_reads_fail_with_the_compacted_error_id()
    {
        Connect();
        var old = _raw.Put("/mt/compact/k", "old");
        var target = _raw.Put("/mt/compact/k", "new");
        _raw.Put("/mt/compact/k", "newer");
        var result = Assert.Single(_pwsh.Run($"Invoke-EtcdCompaction -Revision {target} -Physical -Confirm:$false"));
        Assert.Equal(target, (long)result.Properties["CompactRevision"].Value);
        Assert.Equal(target + 1, (long)result.Properties["CurrentRevision"].Value);

        Assert.Equal(target, (long)Assert.Single(_pwsh.Run("(Get-EtcdStatus).CompactRevision")).BaseObject);
        var ex = Assert.Throws<Grpc.Core.RpcException>(() => _raw.Get("/mt/compact/k", old));
        Assert.Equal(EtcdErrorIds.RevisionCompacted, EtcdErrors.FromRpc(ex, etcd.Endpoint, overTls: false).ErrorId);
        Assert.Equal("new", _raw.Get("/mt/compact/k", target)!.Value.ToStringUtf8());
    }

    [Fact]
    public void Compaction_to_a_compacted_or_future_revision_gives_clear_error_ids()
    {
        Connect();
        var revision = _raw.Put("/mt/compact2/k", "a");
        _raw.Put("/mt/compact2/k", "b");
        _pwsh.Run($"Invoke-EtcdCompaction -Revision {revision} -Confirm:$false");
        Assert.Equal("EtcdRevisionCompacted", _pwsh.Invoke($"Invoke-EtcdCompaction -Revision {revision - 1} -Confirm:$false").FirstErrorId);
        Assert.Equal("EtcdFutureRevision", _pwsh.Invoke($"Invoke-EtcdCompaction -Revision {revision + 1_000_000} -Confirm:$false").FirstErrorId);
        var keepAll = _pwsh.Invoke("Invoke-EtcdCompaction -KeepRevisions 100000000 -Confirm:$false");
        Assert.Equal("EtcdNothingToCompact", keepAll.FirstErrorId);
        // Said in the terms the user gave, not as a negative revision.
        var refusal = keepAll.Errors[0];
        Assert.StartsWith("-KeepRevisions 100000000 keeps the whole history", refusal.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("-9", refusal.Exception.Message, StringComparison.Ordinal);
        Assert.Matches(@"-KeepRevisions \d+ ", refusal.ErrorDetails?.RecommendedAction ?? string.Empty);
    }

    [Fact]
    public void Keep_revisions_compacts_to_current_minus_n()
    {
        Connect();
        for (var i = 0; i < 5; i++)
        {
            _raw.Put("/mt/keep/k", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var current = _raw.Status().Header.Revision;
        var result = Assert.Single(_pwsh.Run("Invoke-EtcdCompaction -KeepRevisions 2 -Confirm:$false"));
        Assert.Equal(current - 2, (long)result.Properties["CompactRevision"].Value);
    }

    [Fact]
    public async Task Older_than_estimates_the_revision_from_the_sampled_write_rate()
    {
        Connect();
        var start = _raw.Put("/mt/rate/k", "start");
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await _raw.KV.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8("/mt/rate/k"), Value = ByteString.CopyFromUtf8("v") });
                await Task.Delay(20);
            }
        });
        PwshResult result;
        try
        {
            result = _pwsh.Invoke("Invoke-EtcdCompaction -OlderThan 00:00:00.5 -SampleDuration 00:00:01 -Confirm:$false");
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }

        Assert.Empty(result.Errors);
        var compaction = Assert.Single(result.Output);
        Assert.True((bool)compaction.Properties["IsEstimate"].Value);
        var revision = (long)compaction.Properties["CompactRevision"].Value;
        Assert.InRange(revision, start + 1, (long)compaction.Properties["CurrentRevision"].Value - 1);
        Assert.Contains(result.Warnings, w => w.Contains("estimate", StringComparison.Ordinal));
    }

    [Fact]
    public void Older_than_without_writes_during_the_sample_compacts_nothing()
    {
        Connect();
        _raw.Put("/mt/rate/idle", "v");
        var before = _raw.FullListing();
        Assert.Equal("EtcdNothingToCompact", _pwsh.Invoke("Invoke-EtcdCompaction -OlderThan 00:01:00 -SampleDuration 00:00:00.3 -Confirm:$false").FirstErrorId);
        Assert.Equal(before, _raw.FullListing());
    }

    [Fact]
    public void WhatIf_on_maintenance_cmdlets_leaves_the_data_byte_identical()
    {
        Connect();
        _raw.Put("/mt/whatif/a", "1");
        _raw.Put("/mt/whatif/a", "2");
        _raw.Put("/mt/whatif/a", "3");
        var before = _raw.FullListing();
        var compactBefore = Assert.Single(_pwsh.Run("(Get-EtcdStatus).CompactRevision")).BaseObject;
        var whatIf = _pwsh.Invoke("Invoke-EtcdCompaction -KeepRevisions 1 -WhatIf 6>&1 | Out-String");
        Assert.Empty(whatIf.Errors);
        _pwsh.Run("Invoke-EtcdDefragmentation -WhatIf");
        _pwsh.Run("Clear-EtcdAlarm -WhatIf");
        var path = Path.Combine(_dir, "whatif.db");
        _pwsh.Run($"Save-EtcdSnapshot '{path}' -WhatIf");
        Assert.False(File.Exists(path));
        Assert.Equal(before, _raw.FullListing());
        Assert.Equal(compactBefore, Assert.Single(_pwsh.Run("(Get-EtcdStatus).CompactRevision")).BaseObject);
    }

    [Fact]
    public void WhatIf_tells_the_revision_and_the_history_lost()
    {
        Connect();
        for (var i = 0; i < 4; i++)
        {
            _raw.Put("/mt/tell/k", "v");
        }

        var current = _raw.Status().Header.Revision;
        var result = _pwsh.Invoke("Invoke-EtcdCompaction -KeepRevisions 1 -WhatIf -Verbose");
        Assert.Empty(result.Errors);
        var text = string.Join("\n", result.Verbose);
        Assert.Contains($"compact history below revision {current - 1}", text);
        Assert.Contains("revision(s) of history would be lost", text);
    }

    [Fact]
    public void Defragmentation_after_deleting_and_compacting_reduces_the_db_size()
    {
        Connect();
        Fill("/mt/defrag/", 40, 64 * 1024);
        var deletedAt = _raw.KV.DeleteRange(new DeleteRangeRequest
        {
            Key = ByteString.CopyFromUtf8("/mt/defrag/"), RangeEnd = ByteString.CopyFromUtf8("/mt/defrag0"),
        }).Header.Revision;
        _pwsh.Run($"Invoke-EtcdCompaction -Revision {deletedAt} -Physical -Confirm:$false");
        var before = (long)Assert.Single(_pwsh.Run("(Get-EtcdStatus).DbSize")).BaseObject;
        var result = Assert.Single(_pwsh.Run("Invoke-EtcdDefragmentation -Confirm:$false"));
        var after = (long)Assert.Single(_pwsh.Run("(Get-EtcdStatus).DbSize")).BaseObject;
        Assert.True(after < before, $"DbSize {before} -> {after}");
        Assert.Equal(after, (long)result.Properties["DbSizeAfter"].Value);
        Assert.True((long)result.Properties["DbSizeBefore"].Value >= 40 * 64 * 1024);
        Assert.True((bool)result.Properties["IsLeader"].Value);
    }

    [Fact]
    public void Endpoint_parameters_complete_member_names_and_client_urls()
    {
        Connect();
        var line = "Save-EtcdSnapshot x.db -Endpoint ";
        var matches = _pwsh.Run($"(TabExpansion2 -inputScript '{line}' -cursorColumn {line.Length}).CompletionMatches.CompletionText");
        Assert.Equal(["etcd-0", etcd.Endpoint], matches.Select(m => m.ToString()));
        line = "Invoke-EtcdDefragmentation -Endpoint http://nothing";
        Assert.Empty(_pwsh.Run($"(TabExpansion2 -inputScript '{line}' -cursorColumn {line.Length}).CompletionMatches"));
    }

    [Fact]
    public void Table_views_humanize_sizes()
    {
        Connect();
        var path = Path.Combine(_dir, "view.db");
        var text = string.Join("\n", _pwsh.Run($"Save-EtcdSnapshot '{path}' | Format-Table | Out-String -Width 250").Select(o => o.ToString()));
        Assert.Matches(@"Path\s+Size\s+Revision\s+Sha256", text);
        Assert.Matches(@"\d+(\.\d)? [kM]B", text);
        text = string.Join("\n", _pwsh.Run("Invoke-EtcdDefragmentation -Confirm:$false | Format-Table | Out-String -Width 250").Select(o => o.ToString()));
        Assert.Matches(@"Before\s+After\s+InUse\s+Freed", text);
    }

    [Fact]
    public void Defragmentation_of_an_unknown_member_is_refused()
    {
        Connect();
        Assert.Equal("EtcdEndpointNotMember", _pwsh.Invoke("Invoke-EtcdDefragmentation -Endpoint no-such-member -Confirm:$false").FirstErrorId);
    }

    [Fact]
    public async Task Snapshot_is_valid_for_etcdctl_and_restores_with_every_key()
    {
        Connect();
        Fill("/mt/snap/", 25, 1000);
        var path = Path.Combine(_dir, "snap.db");
        var info = Assert.Single(_pwsh.Run($"Save-EtcdSnapshot '{path}'"));
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(path + ".part"));
        Assert.Equal(new FileInfo(path).Length, (long)info.Properties["Size"].Value);

        var bytes = File.ReadAllBytes(path);
        var sha = System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32));
        Assert.Equal(bytes[^32..], sha);
        Assert.Equal(Convert.ToHexStringLower(sha), info.Properties["Sha256"].Value);

        var byEtcdctl = Path.Combine(_dir, "etcdctl.db");
        Etcdctl("--endpoints", etcd.Endpoint, "snapshot", "save", byEtcdctl);
        Assert.Equal(new FileInfo(byEtcdctl).Length, new FileInfo(path).Length);

        // etcd 3.5 moved the offline snapshot commands to etcdutl (etcdctl's are deprecated there, gone in 3.6).
        var status = JsonDocument.Parse(OfflineSnapshotTool("snapshot", "status", path, "-w", "json")).RootElement;
        Assert.True(status.GetProperty("revision").GetInt64() >= (long)info.Properties["Revision"].Value);
        Assert.True(status.GetProperty("totalKey").GetInt64() >= 25);

        var restored = Path.Combine(_dir, "restored");
        OfflineSnapshotTool("snapshot", "restore", path, "--name", "etcd-0", "--data-dir", Path.Combine(restored, "etcd-0"),
            "--initial-cluster", "etcd-0=http://127.0.0.1:1", "--initial-advertise-peer-urls", "http://127.0.0.1:1");
        using var server = await EtcdServer.StartAsync(new EtcdServerOptions { DataPath = restored }, CancellationToken.None);
        using var check = new RawEtcd(server.ClientUrls[0]);
        Assert.Equal(_raw.Count("/mt/snap/"), check.Count("/mt/snap/"));
        Assert.Equal(25, check.Count("/mt/snap/"));
    }

    [Fact]
    public void Existing_snapshot_file_is_untouched_without_force_and_replaced_with_it()
    {
        Connect();
        var path = Path.Combine(_dir, "exists.db");
        File.WriteAllText(path, "precious");
        var refused = _pwsh.Invoke($"Save-EtcdSnapshot '{path}'");
        Assert.Equal("EtcdFileExists", refused.FirstErrorId);
        Assert.Equal("precious", File.ReadAllText(path));

        _pwsh.Run($"Save-EtcdSnapshot '{path}' -Force");
        Assert.NotEqual("precious", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".part"));
    }

    [Fact]
    public void Snapshot_into_a_missing_folder_fails_cleanly()
    {
        Connect();
        var path = Path.Combine(_dir, "no-such-folder", "x.db");
        Assert.Equal("EtcdSnapshotFailed", _pwsh.Invoke($"Save-EtcdSnapshot '{path}'").FirstErrorId);
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }

    [Fact]
    public async Task Cancelling_a_snapshot_mid_stream_leaves_no_file()
    {
        Fill("/mt/cancel/", 30, 32 * 1024);
        using var connection = (await Engine.Connection.EtcdConnector.ConnectAsync(etcd.Server.ConnectionOptions(), CancellationToken.None)).Connection;
        var path = Path.Combine(_dir, "cancelled.db");
        using var cancel = new CancellationTokenSource();
        long seen = 0;
        var progress = new InlineProgress(p =>
        {
            seen = p.Received;
            cancel.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SnapshotWriter.SaveAsync(connection, path, false, null, progress, cancel.Token));
        Assert.True(seen > 0 && seen < 30 * 32 * 1024, $"cancelled after {seen} bytes");
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".part"));
    }

    /// <summary>etcdutl on etcd 3.5 and later, etcdctl before.</summary>
    private static string OfflineSnapshotTool(params string[] args) =>
        EtcdVersion.AtLeast(3, 5) ? Run(EtcdVersion.Tool("etcdutl") ?? "etcdutl", args) : Etcdctl(args);

    /// <summary>The etcdctl shipped with the etcd this run uses (beside its binary), else the one on PATH.</summary>
    private static string Etcdctl(params string[] args) => Run(EtcdVersion.Tool("etcdctl") ?? "etcdctl", args);

    private static string Run(string tool, string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["ETCDCTL_API"] = "3";
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed: {error}");
        return output;
    }

    private sealed class InlineProgress(Action<SnapshotProgress> report) : IProgress<SnapshotProgress>
    {
        public void Report(SnapshotProgress value) => report(value);
    }
}
