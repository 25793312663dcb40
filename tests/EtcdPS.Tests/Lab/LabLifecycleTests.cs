using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Lab;
using Etcdserverpb;
using Google.Protobuf;

namespace EtcdPS.Tests.Lab;

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
