using System.Collections.Concurrent;

namespace EtcdPS.Engine.Lab;

/// <summary>
/// The labs this process started. Static, so it lives in the module's load context for the life of the process:
/// a lab survives Remove-Module and re-import, and Stop-EtcdLab still finds (and stops) exactly its processes.
/// </summary>
internal static class LabRegistry
{
    private static readonly ConcurrentDictionary<string, LabInstance> s_labs = new(StringComparer.OrdinalIgnoreCase);

    static LabRegistry()
    {
        // No orphans: when pwsh exits, the labs it started go with it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();

        // The members run in a session of their own (Ctrl+C must not reach them), so closing the terminal no longer
        // signals them either: pwsh dies of SIGHUP without running ProcessExit. Stop the labs first, then let the
        // signal do what it does. (A SIGKILL of pwsh cannot be caught: its labs then keep running.)
        if (!OperatingSystem.IsWindows())
        {
            s_signals =
            [
                System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGHUP, _ => StopAll()),
                System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, _ => StopAll()),
            ];
        }
    }

    /// <summary>Kept alive for the life of the process: a collected registration stops handling its signal.</summary>
    private static readonly IDisposable[] s_signals = [];

    private static void StopAll()
    {
        foreach (var lab in s_labs.Values)
        {
            try
            {
                lab.Server.Dispose();
            }
            catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
            {
                // Going down anyway; the next lab still gets stopped.
            }
        }
    }

    public static IReadOnlyList<LabInstance> All => s_labs.Values.OrderBy(l => l.Lab.StartedAt).ToArray();

    public static LabInstance? Find(string name) => s_labs.TryGetValue(name, out var lab) ? lab : null;

    public static bool TryAdd(LabInstance lab) => s_labs.TryAdd(lab.Lab.Name, lab);

    public static bool TryRemove(string name, out LabInstance? lab) => s_labs.TryRemove(name, out lab);
}

/// <summary>A running lab: its processes, its background writer, and what the user sees of it.</summary>
internal sealed class LabInstance(EtcdLab lab, EtcdServer server, EtcdConnection connection)
{
    public EtcdLab Lab { get; } = lab;
    public EtcdServer Server { get; } = server;

    /// <summary>The lab's own connection for the background writer (the user's connection may be closed any time).</summary>
    public EtcdConnection Connection { get; } = connection;

    public LabActivity? Activity { get; set; }
}
