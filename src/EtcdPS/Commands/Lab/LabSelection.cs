using EtcdPS.Engine.Lab;
using EtcdPS.Hosting;

namespace EtcdPS.Commands.Lab;

/// <summary>Which lab a member cmdlet means: the one named, else the lab of the default connection, else the only lab.</summary>
internal static class LabSelection
{
    public static LabInstance Resolve(string? name, RunspaceConnections connections)
    {
        var labs = LabRegistry.All;
        if (name is not null)
        {
            return LabRegistry.Find(name) ?? throw new EtcdException(EtcdErrorIds.LabNotFound, EtcdErrorCategory.ObjectNotFound,
                $"There is no lab named '{name}' in this process.", name,
                labs.Count == 0 ? "Start one with Start-EtcdLab -Members 3." : "Get-EtcdLab lists the labs: " + string.Join(", ", labs.Select(l => l.Lab.Name)) + ".");
        }

        if (connections.Default is { } connection && LabRegistry.Find(connection.Name) is { } current)
        {
            return current;
        }

        return labs.Count switch
        {
            1 => labs[0],
            0 => throw new EtcdException(EtcdErrorIds.LabNotFound, EtcdErrorCategory.ObjectNotFound,
                "There is no lab in this process.", null, "Start one with Start-EtcdLab -Members 3."),
            _ => throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"There are {labs.Count} labs ({string.Join(", ", labs.Select(l => l.Lab.Name))}) and the current connection is none of them.", null,
                "Say which with -Lab."),
        };
    }
}
