using System.Management.Automation;
using System.Net;
using System.Security;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Creates an etcd user with a password given as a SecureString or a credential, like etcdctl user add.</para>
/// <para type="description">The password never appears on the command line, in history, in errors or in verbose output:
/// give -Password (Read-Host -AsSecureString) or -Credential (Get-Credential). -NoPassword makes a user that can only
/// authenticate with a client certificate whose common name is the user name.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "EtcdUser", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Password")]
[OutputType(typeof(EtcdUser))]
public sealed class NewEtcdUserCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Password")]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "NoPassword")]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = "Password")]
    public SecureString Password { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = "Credential")]
    [Credential]
    public PSCredential Credential { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = "NoPassword")]
    public SwitchParameter NoPassword { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        var (name, password) = ParameterSetName switch
        {
            "Credential" => (Credential.UserName, new NetworkCredential(Credential.UserName, Credential.Password)),
            "NoPassword" => (Name, null),
            _ => (Name, new NetworkCredential(Name, Password)),
        };
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        if (await ShouldProcessAsync(name, password is null ? "Create etcd user without a password" : "Create etcd user").ConfigureAwait(false))
        {
            await WriteObjectAsync(await AuthAdministrator.AddUserAsync(connection, name, password, cancellation).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }
}
