using System.Management.Automation;

namespace EtcdPS.Commands.Connection;

/// <summary>
/// <para type="synopsis">Closes etcd connections (the default one when no name is given).</para>
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "Etcd", DefaultParameterSetName = ByNameSet)]
public sealed class DisconnectEtcdCommand : PSCmdlet
{
    private const string ByNameSet = "ByName";
    private const string ByConnectionSet = "ByConnection";

    [Parameter(Position = 0, ParameterSetName = ByNameSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByConnectionSet)]
    [ConnectionNameTransformation]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public EtcdConnection[] Connection { get; set; } = [];

    [Parameter(ParameterSetName = ByNameSet)]
    public SwitchParameter All { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var registry = ConnectionRegistry.Current;
        IEnumerable<EtcdConnection> targets = ParameterSetName == ByConnectionSet ? Connection
            : All ? registry.All
            : Name is null ? registry.All.Where(c => c.IsDefault)
            : ConnectionNames.Select(registry.All, Name);
        var closed = targets.ToArray();
        foreach (var connection in closed)
        {
            registry.Remove(connection);
        }

        if (ParameterSetName == ByNameSet && !All)
        {
            foreach (var name in Name ?? [])
            {
                if (!WildcardPattern.ContainsWildcardCharacters(name) && ConnectionNames.Find(closed, name) is null)
                {
                    WriteError(ErrorRecords.From(ConnectionNames.NotFound(name)));
                }
            }
        }
    }
}
