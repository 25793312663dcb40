using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Deletes etcd users, like etcdctl user delete.</para>
/// <para type="description">Piped EtcdUser objects bind by their Name. Deleting root while auth is enabled is refused by etcd.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "EtcdUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class RemoveEtcdUserCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("User")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        foreach (var name in Name)
        {
            if (!await ShouldProcessAsync(name, "Delete etcd user").ConfigureAwait(false))
            {
                continue;
            }

            try
            {
                await AuthAdministrator.RemoveUserAsync(connection, name, cancellation).ConfigureAwait(false);
                await WriteVerboseAsync($"User {name} deleted.").ConfigureAwait(false);
            }
            catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.UserNotFound)
            {
                await WriteErrorAsync(ex).ConfigureAwait(false);
            }
        }
    }
}
