using System.Management.Automation;
using EtcdPS.Commands.Connection;

namespace EtcdPS.Commands.Snapshots;

/// <summary>
/// <para type="synopsis">Closes mounted snapshots: stops their throwaway etcd members and deletes their restored copies.</para>
/// </summary>
[Cmdlet(VerbsData.Dismount, "EtcdSnapshot", DefaultParameterSetName = ByNameSet)]
public sealed class DismountEtcdSnapshotCommand : PSCmdlet
{
    private const string ByNameSet = "ByName";
    private const string ByConnectionSet = "ByConnection";

    [Parameter(Position = 0, ParameterSetName = ByNameSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(MountedSnapshotNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByConnectionSet)]
    [ConnectionNameTransformation]
    [ArgumentCompleter(typeof(MountedSnapshotNameCompleter))]
    public EtcdConnection[] Connection { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var registry = ConnectionRegistry.Current;
        var mounted = registry.All.Where(c => c.IsReadOnly).ToArray();
        var targets = ParameterSetName == ByConnectionSet ? Connection : ConnectionNames.Select(mounted, Name).ToArray();
        foreach (var connection in targets)
        {
            if (!connection.IsReadOnly)
            {
                WriteError(ErrorRecords.From(NotMounted(connection.Name)));
                continue;
            }

            registry.Remove(connection);
            connection.Dispose();
            WriteVerbose($"Dismounted '{connection.Name}' ({connection.SnapshotPath}).");
        }

        foreach (var name in ParameterSetName == ByNameSet ? Name ?? [] : [])
        {
            if (!WildcardPattern.ContainsWildcardCharacters(name) && ConnectionNames.Find(targets, name) is null)
            {
                WriteError(ErrorRecords.From(NotMounted(name)));
            }
        }
    }

    private static EtcdException NotMounted(string name) =>
        new(EtcdErrorIds.SnapshotNotMounted, EtcdErrorCategory.ObjectNotFound, $"There is no mounted snapshot named '{name}' in this session.", name,
            "Get-EtcdConnection lists the session's connections; mounted snapshots show their file. Disconnect-Etcd closes live connections.");
}
