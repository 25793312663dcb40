using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Deletes etcd roles, like etcdctl role delete.</para>
/// <para type="description">Piped EtcdRole objects bind by their Name. The users that held the role lose it; deleting root while auth is enabled is refused by etcd.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "EtcdRole", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveEtcdRoleCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Role")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RoleNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        foreach (var name in Name)
        {
            if (!await ShouldProcessAsync(name, "Delete etcd role").ConfigureAwait(false))
            {
                continue;
            }

            try
            {
                await AuthAdministrator.RemoveRoleAsync(connection, name, cancellation).ConfigureAwait(false);
                await WriteVerboseAsync($"Role {name} deleted.").ConfigureAwait(false);
            }
            catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.RoleNotFound)
            {
                await WriteErrorAsync(ex).ConfigureAwait(false);
            }
        }
    }
}
