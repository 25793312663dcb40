using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Disables authentication, like etcdctl auth disable; needs a connection as a user with the root role.</para>
/// <para type="description">Afterwards every client can read and write every key. Users and roles are kept for a later Enable-EtcdAuth.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "EtcdAuth", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class DisableEtcdAuthCommand : EtcdCmdlet
{
    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        if (await ShouldProcessAsync(string.Join(",", connection.Endpoints), "Disable authentication (every client may then read and write every key)").ConfigureAwait(false))
        {
            await AuthAdministrator.DisableAsync(connection, cancellation).ConfigureAwait(false);
        }
    }
}
