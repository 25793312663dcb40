using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Grants roles to an etcd user, like etcdctl user grant-role.</para>
/// <para type="description">Returns the user with all its roles.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "EtcdUserRole", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EtcdUser))]
public sealed class AddEtcdUserRoleCommand : EtcdCmdlet
{
    /// <summary>The user (a piped EtcdUser binds by its Name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string User { get; set; } = string.Empty;

    /// <summary>The roles to grant.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RoleNameCompleter))]
    public string[] Role { get; set; } = [];

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        EtcdUser? result = null;
        foreach (var role in Role)
        {
            if (await ShouldProcessAsync(User, $"Grant role {role}").ConfigureAwait(false))
            {
                result = await AuthAdministrator.GrantRoleAsync(connection, User, role, cancellation).ConfigureAwait(false);
            }
        }

        if (result is not null)
        {
            await WriteObjectAsync(result).ConfigureAwait(false);
        }
    }
}
