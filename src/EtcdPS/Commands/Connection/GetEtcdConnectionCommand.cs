using System.Management.Automation;

namespace EtcdPS.Commands.Connection;

/// <summary>
/// <para type="synopsis">Lists the etcd connections of this session; the default one is marked IsDefault.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdConnection")]
[OutputType(typeof(EtcdConnection))]
public sealed class GetEtcdConnectionCommand : PSCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public string[]? Name { get; set; }

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
