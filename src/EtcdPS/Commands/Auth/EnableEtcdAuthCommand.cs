using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Enables authentication, refusing (as etcd does, but saying why) unless a user named root holds the root role.</para>
/// <para type="description">Once enabled, every request needs a user: connect with Connect-Etcd -Credential (or a client
/// certificate whose common name is a user). Connections made before carry no token and must connect again.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "EtcdAuth", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
public sealed class EnableEtcdAuthCommand : EtcdCmdlet
{
    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        if (await ShouldProcessAsync(string.Join(",", connection.Endpoints), "Enable authentication (every request then needs a user)").ConfigureAwait(false))
        {
            await AuthAdministrator.EnableAsync(connection, cancellation).ConfigureAwait(false);
            await WriteWarningAsync("Authentication is enabled: connect again with Connect-Etcd -Credential (Get-Credential root) to go on.").ConfigureAwait(false);
        }
    }
}
