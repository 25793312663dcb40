using System.Diagnostics;
using System.Globalization;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Tests.Infrastructure;

/// <summary>
/// Faults the tests inject into a local etcd: a crash and a hang. They are test harness, so they live here and not
/// in the shipped <see cref="EtcdServer"/>, which only starts, waits until ready and stops.
/// </summary>
internal static class EtcdServerFaults
{
    /// <summary>Kills one member at once (SIGKILL), like a crash.</summary>
    public static void Kill(this EtcdServer server, int index)
    {
        var process = server.Members[index].Process;
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>Freezes (SIGSTOP) or thaws (SIGCONT) one member: a member that hangs without closing its sockets.</summary>
    public static void Signal(this EtcdServer server, int index, bool stop)
    {
        if (server.Members[index].Process is { HasExited: false } process)
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", [stop ? "-STOP" : "-CONT", process.Id.ToString(CultureInfo.InvariantCulture)])
            {
                UseShellExecute = false,
            });
            kill?.WaitForExit(5_000);
        }
    }
}
