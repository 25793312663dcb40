using System.Management.Automation;

namespace EtcdPS.Commands.Connection;

/// <summary>
/// <para type="synopsis">Lists the etcd connections of this session; the default one is marked IsDefault.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdConnection")]
[OutputType(typeof(EtcdConnection))]
public sealed class GetEtcdConnectionCommand : PSCmdlet
{
    /// <summary>Connection names (wildcards allowed).</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only the default connection.</summary>
    [Parameter]
    public SwitchParameter Default { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        foreach (var connection in ConnectionNames.Select(ConnectionRegistry.Current.All, Name))
        {
            if (!Default || connection.IsDefault)
            {
                WriteObject(connection);
            }
        }
    }
}

/// <summary>
/// <para type="synopsis">Makes another open connection the session's default.</para>
/// </summary>
[Cmdlet(VerbsCommon.Switch, "EtcdConnection")]
[OutputType(typeof(EtcdConnection))]
public sealed class SwitchEtcdConnectionCommand : PSCmdlet
{
    /// <summary>The name of the connection to make the default.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>Returns the connection.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var connection = ConnectionNames.Find(ConnectionRegistry.Current.All, Name);
        if (connection is null)
        {
            WriteError(ErrorRecords.From(ConnectionNames.NotFound(Name)));
            return;
        }

        ConnectionRegistry.Current.SetDefault(connection);
        if (PassThru)
        {
            WriteObject(connection);
        }
    }
}

/// <summary>
/// <para type="synopsis">Closes etcd connections (the default one when no name is given).</para>
/// </summary>
[Cmdlet(VerbsCommunications.Disconnect, "Etcd", DefaultParameterSetName = ByNameSet)]
public sealed class DisconnectEtcdCommand : PSCmdlet
{
    private const string ByNameSet = "ByName";
    private const string ByConnectionSet = "ByConnection";

    /// <summary>Names of the connections to close (wildcards allowed).</summary>
    [Parameter(Position = 0, ParameterSetName = ByNameSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Connections to close, from Get-EtcdConnection (or their names).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByConnectionSet)]
    [ConnectionNameTransformation]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public EtcdConnection[] Connection { get; set; } = [];

    /// <summary>Close every connection of the session.</summary>
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
