using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Lab;
using Etcdserverpb;

namespace EtcdPS.Tests.Lab;

/// <summary>Outages on a 3-member lab: a member killed, frozen and brought back; the lab's state is read from its processes.</summary>
public sealed class LabMemberTests
{
    [Fact]
    public async Task A_killed_and_a_frozen_member_show_as_such_and_come_back()
    {
        var instance = await LabController.StartAsync(new LabOptions { Name = "xunit-outage", Members = 3, Seed = EtcdLabSeed.None, Port = null }, null, CancellationToken.None);
        try
        {
            Assert.Equal("Running", instance.Lab.State);
            Assert.All(instance.Lab.Member, m => Assert.Equal(EtcdLabMemberState.Running, m.State));

            LabMembers.Stop(instance, LabMembers.Find(instance, "etcd-1"), freeze: false);
            Assert.Equal("Degraded", instance.Lab.State);
            Assert.Equal(EtcdLabMemberState.Stopped, instance.Lab.Member[1].State);

            LabMembers.Stop(instance, LabMembers.Find(instance, "ETCD-2"), freeze: true);
            Assert.Equal(EtcdLabMemberState.Frozen, instance.Lab.Member[2].State);
            Assert.Equal("NoQuorum", instance.Lab.State);

            // A member killed from outside (not through the lab) is Exited, with the signal that ended it.
            System.Diagnostics.Process.GetProcessById(instance.Lab.Member[0].ProcessId).Kill();
            await Task.Delay(500);
            var exited = instance.Lab.Member[0];
            Assert.Equal(EtcdLabMemberState.Exited, exited.State);
            Assert.Contains("SIGKILL", exited.Detail, StringComparison.Ordinal);
            Assert.True(instance.Lab.IsStopped is false, "a frozen member still runs");

            // Alone, the restarted member cannot serve (no quorum): it is started anyway, then the others join it.
            var first = await LabMembers.StartAsync(instance, instance.Server.Members[0], TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.Equal(EtcdLabMemberState.Running, first.State);
            await LabMembers.StartAsync(instance, instance.Server.Members[2], TimeSpan.FromSeconds(30), CancellationToken.None);
            await LabMembers.StartAsync(instance, instance.Server.Members[1], TimeSpan.FromSeconds(30), CancellationToken.None);

            Assert.Equal("Running", instance.Lab.State);
            using var connection = (await EtcdConnector.ConnectAsync(instance.Server.ConnectionOptions(), CancellationToken.None)).Connection;
            var put = await connection.CallAsync((c, o) => c.KV.PutAsync(new PutRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8("/back"), Value = Google.Protobuf.ByteString.CopyFromUtf8("1") }, o).ResponseAsync,
                CancellationToken.None, idempotent: false);
            Assert.True(put.Header.Revision > 1);
        }
        finally
        {
            LabRegistry.TryRemove(instance.Lab.Name, out _);
            await LabController.StopAsync(instance, keepData: false);
        }

        Assert.Equal("Removed", instance.Lab.State);
        Assert.True(instance.Lab.IsStopped);
        Assert.All(instance.Lab.Member, m => Assert.Equal(EtcdLabMemberState.Stopped, m.State));
    }

    [Fact]
    public async Task Starting_a_member_that_was_removed_from_the_cluster_says_so()
    {
        var instance = await LabController.StartAsync(new LabOptions { Name = "xunit-removed", Members = 3, Seed = EtcdLabSeed.None, Port = null }, null, CancellationToken.None);
        try
        {
            var removed = instance.Server.Members[2];
            using var connection = (await EtcdConnector.ConnectAsync(instance.Server.ConnectionOptions() with { Endpoints = [instance.Server.Members[0].ClientUrl] },
                CancellationToken.None)).Connection;
            var list = await connection.CallAsync((c, o) => c.Cluster.MemberListAsync(new MemberListRequest(), o).ResponseAsync, CancellationToken.None);
            var id = list.Members.Single(m => m.PeerURLs.Contains(removed.PeerUrl)).ID;
            // etcd refuses membership changes ("unhealthy cluster") until its leader has been connected to all for 5 s.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await connection.CallAsync((c, o) => c.Cluster.MemberRemoveAsync(new MemberRemoveRequest { ID = id }, o).ResponseAsync, CancellationToken.None, idempotent: false);
                    break;
                }
                catch (EtcdException ex) when (ex.Message.Contains("unhealthy cluster", StringComparison.Ordinal) && attempt < 40)
                {
                    await Task.Delay(250);
                }
            }

            LabMembers.Stop(instance, removed, freeze: false);

            var error = await Assert.ThrowsAsync<EtcdException>(() => LabMembers.StartAsync(instance, removed, TimeSpan.FromSeconds(30), CancellationToken.None));
            Assert.Equal(EtcdErrorIds.LabStartFailed, error.ErrorId);
            Assert.Equal(EtcdErrorCategory.InvalidOperation, error.Category);
            Assert.Contains("was removed from the cluster", error.Message, StringComparison.Ordinal);
            Assert.Contains("Add-EtcdMember", error.RecommendedAction, StringComparison.Ordinal);
        }
        finally
        {
            LabRegistry.TryRemove(instance.Lab.Name, out _);
            await LabController.StopAsync(instance, keepData: false);
        }
    }

    [Fact]
    public async Task An_unknown_member_is_an_error_naming_the_members()
    {
        var instance = await LabController.StartAsync(new LabOptions { Name = "xunit-unknown", Seed = EtcdLabSeed.None, Port = null }, null, CancellationToken.None);
        try
        {
            var ex = Assert.Throws<EtcdException>(() => LabMembers.Find(instance, "etcd-7"));
            Assert.Equal(EtcdErrorIds.LabMemberNotFound, ex.ErrorId);
            Assert.Contains("etcd-0", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            LabRegistry.TryRemove(instance.Lab.Name, out _);
            await LabController.StopAsync(instance, keepData: false);
        }
    }
}
