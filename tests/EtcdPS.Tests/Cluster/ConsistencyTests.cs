using System.Diagnostics;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Tests.Cluster;

public sealed class ConsistencyTests(ClusterEtcdFixture etcd) : IClassFixture<ClusterEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void Members_agree_and_their_hashes_match_at_one_revision_also_after_a_compaction()
    {
        using var raw = new RawEtcd(etcd.Endpoint);
        for (var i = 0; i < 5; i++)
        {
            raw.Put($"/consistency/{i}", $"v{i}");
        }

        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}");
        var revision = raw.CurrentRevision();
        var hashes = _pwsh.Run($"Get-EtcdHashKV -Revision {revision} -Cluster");
        Assert.Equal(3, hashes.Count);
        Assert.Single(hashes.Select(h => (uint)h.Properties["Hash"].Value).Distinct());
        Assert.All(hashes, h => Assert.Equal(revision, (long)h.Properties["HashRevision"].Value));
        Assert.Equal(["etcd-0", "etcd-1", "etcd-2"], hashes.Select(h => (string)h.Properties["Name"].Value).Order());
        Assert.Single(_pwsh.Run("Get-EtcdHashKV")); // the connection's one endpoint

        Assert.True((bool)Assert.Single(_pwsh.Run("Test-EtcdConsistency")).BaseObject);
        raw.Put("/consistency/more", "x");
        // Compacted at the current revision, where a quiet cluster stays (etcd 3.4 refuses a hash at exactly that revision).
        raw.Compact(raw.CurrentRevision());
        var report = Assert.Single(_pwsh.Run("Test-EtcdConsistency -Detailed"));
        Assert.True((bool)report.Properties["Consistent"].Value);
        // etcd 3.5 answers a hash at exactly the compact revision from the hash it kept at compaction time, which names the
        // compaction before (-1 here); 3.4 refuses it and the check falls back to the members' current hashes.
        Assert.Equal(raw.CurrentRevision(), (long)report.Properties["Revision"].Value);
        Assert.Empty((IReadOnlyList<string>)report.Properties["Disagreeing"].Value);
        Assert.Equal(3, ((object[])report.Properties["Members"].Value).Length);

        var compacted = _pwsh.Invoke($"Get-EtcdHashKV -Revision {revision}");
        Assert.Equal("EtcdRevisionCompacted", compacted.FirstErrorId);
    }
}

/// <summary>
/// Members that disagree, made on purpose. A follower's data folder is replaced by a restore of an older snapshot with the
/// same name, peer URL and cluster token, hence the same member and cluster id. The restore leaves a raft log of just the
/// 3 bootstrap entries and resets the backend's consistent index to 3, so when the leader sends the entries from index 4
/// on, the member applies again the writes its snapshot already holds: its revisions run ahead and its history differs,
/// while the latest values look the same. Leadership first moves between the other two members: the old leader remembers
/// the member's previous match index and would send it a commit index beyond its log, which makes etcd panic
/// ("tocommit(N) is out of range"); a new leader starts from nothing.
/// </summary>
public sealed class DivergedMemberTests(ExtraMemberFixture etcd) : IClassFixture<ExtraMemberFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public async Task A_member_restored_from_an_older_snapshot_with_the_same_id_disagrees()
    {
        var server = etcd.Server;
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        using (var raw = new RawEtcd(etcd.Endpoint))
        {
            for (var i = 0; i < 5; i++)
            {
                raw.Put($"/diverge/{i}", "before");
            }
        }

        var snapshot = Path.Combine(server.DataPath, "old.db");
        _pwsh.Run($"Save-EtcdSnapshot '{snapshot}'");
        using (var raw = new RawEtcd(etcd.Endpoint))
        {
            for (var i = 0; i < 5; i++)
            {
                raw.Put($"/diverge/{i}", "after");
            }
        }

        Assert.True((bool)Assert.Single(_pwsh.Run("Test-EtcdConsistency")).BaseObject);
        var leader = (string)_pwsh.Run("(Get-EtcdStatus -Cluster | Where-Object IsLeader).Name")[0].BaseObject;
        var index = server.Members.ToList().FindIndex(m => m.Name != leader);
        var member = server.Members[index];
        server.Kill(index);
        Directory.Delete(member.DataDir, recursive: true);
        Restore(snapshot, member);
        var other = server.Members.First(m => m.Name != leader && m != member).Name;
        _pwsh.Run($"Connect-Etcd {string.Join(",", server.Members.Where(m => m != member).Select(m => m.ClientUrl))}");
        _pwsh.Run($"Move-EtcdLeader -To {other} -Confirm:$false");
        await server.RestartAsync(index, CancellationToken.None);
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");

        var report = WaitForRevisions();
        Assert.False((bool)report.Properties["Consistent"].Value);
        Assert.Equal([member.Name], (IReadOnlyList<string>)report.Properties["Disagreeing"].Value);
        Assert.False((bool)Assert.Single(_pwsh.Run("Test-EtcdConsistency")).BaseObject);
    }

    private System.Management.Automation.PSObject WaitForRevisions()
    {
        // The restored member replays the leader's log for a moment after it started; ask until it shows, for 20 s at most.
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var report = _pwsh.Invoke("Test-EtcdConsistency -Detailed").Output.FirstOrDefault();
            if ((report is not null && !(bool)report.Properties["Consistent"].Value && ((IReadOnlyList<string>)report.Properties["Unreachable"].Value).Count == 0)
                || watch.Elapsed > TimeSpan.FromSeconds(20))
            {
                return report ?? throw new InvalidOperationException("Test-EtcdConsistency returned nothing.");
            }

            Thread.Sleep(300);
        }
    }

    private void Restore(string snapshot, EtcdServerMember member)
    {
        var etcdBinary = EtcdServer.FindEtcd(etcd.Server.Options.EtcdPath);
        var folder = Path.GetDirectoryName(etcdBinary)!;
        var etcdutl = Path.Combine(folder, "etcdutl");
        var tool = File.Exists(etcdutl) ? etcdutl : Path.Combine(folder, "etcdctl");
        var args = member.Arguments;
        string Flag(string name) => args[args.IndexOf(name) + 1];
        var start = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[]
        {
            "snapshot", "restore", snapshot, "--name", member.Name, "--data-dir", member.DataDir,
            "--initial-cluster", Flag("--initial-cluster"), "--initial-cluster-token", Flag("--initial-cluster-token"),
            "--initial-advertise-peer-urls", member.PeerUrl,
        })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["ETCDCTL_API"] = "3";
        using var process = Process.Start(start)!;
        var output = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit(30_000);
        Assert.True(process.ExitCode == 0, $"{tool} snapshot restore failed: {output.Result}");
    }
}
