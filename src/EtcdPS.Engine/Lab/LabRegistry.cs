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
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var lab in s_labs.Values)
            {
                lab.Server.Dispose();
            }
        };
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
