using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// Base of Add-EtcdUserRole and Remove-EtcdUserRole: the user and the roles, one confirmation and one change a role,
/// then the user as the last change left it.
/// </summary>
public abstract class UserRoleChangeCmdlet : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string User { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RoleNameCompleter))]
    public string[] Role { get; set; } = [];

    /// <summary>What ShouldProcess shows for a role: "Grant role" or "Revoke role".</summary>
    private protected abstract string Action { get; }

    /// <summary>Grants or revokes one role and returns the user afterwards.</summary>
    private protected abstract Task<EtcdUser> ChangeAsync(EtcdConnection connection, string role, CancellationToken cancellation);

    /// <inheritdoc />
    protected sealed override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        EtcdUser? result = null;
        foreach (var role in Role)
        {
            if (await ShouldProcessAsync(User, $"{Action} {role}").ConfigureAwait(false))
            {
                result = await ChangeAsync(connection, role, cancellation).ConfigureAwait(false);
            }
        }

        if (result is not null)
        {
            await WriteObjectAsync(result).ConfigureAwait(false);
        }
    }
}
