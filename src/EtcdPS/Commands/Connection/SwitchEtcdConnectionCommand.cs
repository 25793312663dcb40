using System.Management.Automation;

namespace EtcdPS.Commands.Connection;

/// <summary>
/// <para type="synopsis">Makes another open connection the session's default.</para>
/// </summary>
[Cmdlet(VerbsCommon.Switch, "EtcdConnection")]
[OutputType(typeof(EtcdConnection))]
public sealed class SwitchEtcdConnectionCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ConnectionNameCompleter))]
    public string Name { get; set; } = string.Empty;

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
