using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Revokes a role's permission on a key, a prefix or a key range, like etcdctl role revoke-permission.</para>
/// <para type="description">The range must be given exactly as it was granted. EtcdPermission objects (Get-EtcdRole).Permissions
/// pipe in. Returns the role with the permissions it keeps.</para>
/// </summary>
[Cmdlet(VerbsSecurity.Revoke, "EtcdRolePermission", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(EtcdRole))]
public sealed class RevokeEtcdRolePermissionCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RoleNameCompleter))]
    public string Role { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Key { get; set; } = string.Empty;

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("IsPrefix")]
    public SwitchParameter Prefix { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string RangeEnd { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter FromKey { get; set; }

    private bool IsPiped() => MyInvocation.ExpectingInput;

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        if ((Prefix ? 1 : 0) + (FromKey ? 1 : 0) > 1 || ((Prefix || FromKey) && MyInvocation.BoundParameters.ContainsKey(nameof(RangeEnd)) && !IsPiped()))
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument, "Give one of -Prefix, -RangeEnd and -FromKey.", Key);
        }

        // A piped permission carries both IsPrefix and RangeEnd: its prefix flag wins, and "\0" is "from key on".
        var fromKey = FromKey || RangeEnd == "\0";
        var range = new PermissionRange(Key, Prefix || fromKey ? null : RangeEnd, Prefix, fromKey && !Prefix);
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var text = new EtcdPermission { Key = Key, IsPrefix = Prefix, RangeEnd = fromKey ? "\0" : Prefix ? string.Empty : RangeEnd }.Range;
        if (await ShouldProcessAsync(Role, $"Revoke the permission on {text}").ConfigureAwait(false))
        {
            await WriteObjectAsync(await AuthAdministrator.RevokePermissionAsync(connection, Role, range, cancellation).ConfigureAwait(false))
                .ConfigureAwait(false);
        }
    }
}
