using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Revokes roles from an etcd user, like etcdctl user revoke-role.</para>
/// <para type="description">Returns the user with the roles it keeps.</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "EtcdUserRole", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EtcdUser))]
public sealed class RemoveEtcdUserRoleCommand : EtcdCmdlet
{
    /// <summary>The user (a piped EtcdUser binds by its Name).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string User { get; set; } = string.Empty;

    /// <summary>The roles to revoke.</summary>
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
            if (await ShouldProcessAsync(User, $"Revoke role {role}").ConfigureAwait(false))
            {
                result = await AuthAdministrator.RevokeRoleAsync(connection, User, role, cancellation).ConfigureAwait(false);
            }
        }

        if (result is not null)
        {
            await WriteObjectAsync(result).ConfigureAwait(false);
        }
    }
}
