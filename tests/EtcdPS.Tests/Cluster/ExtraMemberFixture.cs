using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Tests.Cluster;

/// <summary>
/// Three members of their own (membership tests change the cluster), and etcd processes started by the tests for members
/// they add; all of them end with the fixture.
/// </summary>
public sealed class ExtraMemberFixture : EtcdFixture
{
    private readonly List<Process> _extra = [];

    internal override EtcdServerOptions CreateOptions() => new() { Members = 3 };

    /// <summary>Two free loopback ports (client, peer).</summary>
    public static (int Client, int Peer) FreePorts()
    {
        var a = new TcpListener(IPAddress.Loopback, 0);
        var b = new TcpListener(IPAddress.Loopback, 0);
        a.Start();
        b.Start();
        try
        {
            return (((IPEndPoint)a.LocalEndpoint).Port, ((IPEndPoint)b.LocalEndpoint).Port);
        }
        finally
        {
            a.Stop();
            b.Stop();
        }
    }

    /// <summary>Starts etcd for an added member: its client and peer URLs, plus the flags Add-EtcdMember printed.</summary>
    public void StartMember(string name, int clientPort, int peerPort, string etcdArguments)
    {
        var start = new ProcessStartInfo(EtcdServer.FindEtcd(Server.Options.EtcdPath))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "--data-dir", Path.Combine(Server.DataPath, name),
            "--listen-client-urls", $"http://127.0.0.1:{clientPort}", "--advertise-client-urls", $"http://127.0.0.1:{clientPort}",
            "--listen-peer-urls", $"http://127.0.0.1:{peerPort}", "--log-level", "error", "--logger", "zap",
        }.Concat(etcdArguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _extra.Add(process);
    }

    public override Task DisposeAsync()
    {
        foreach (var process in _extra)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        return base.DisposeAsync();
    }
}
