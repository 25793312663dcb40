using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Grants a role read, write or read-write access to a key, a prefix or a key range, like etcdctl role grant-permission.</para>
/// <para type="description">-Prefix grants every key that starts with -Key; -RangeEnd grants [Key, RangeEnd); -FromKey every key
/// from Key on. Returns the role with all its permissions.</para>
/// </summary>
[Cmdlet(VerbsSecurity.Grant, "EtcdRolePermission", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "Key")]
[OutputType(typeof(EtcdRole))]
public sealed class GrantEtcdRolePermissionCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RoleNameCompleter))]
    public string Role { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Type")]
    [PermissionTypeTransformation]
    public EtcdPermissionType Permission { get; set; }

    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Key { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = "Prefix")]
    public SwitchParameter Prefix { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Range")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string RangeEnd { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = "FromKey")]
    public SwitchParameter FromKey { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        if (Key.Length == 0 && ParameterSetName == "Key")
        {
            // etcd accepts it, and the permission then covers no key at all.
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"An empty -Key alone names no key: the {Permission} permission of role '{Role}' would grant nothing.", Key,
                "Give a key, or -Key '' -Prefix for every key (etcdctl role grant-permission --prefix), or -FromKey / -RangeEnd for a range.");
        }

        var range = new PermissionRange(Key, ParameterSetName == "Range" ? RangeEnd : null, Prefix, FromKey);
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var text = new EtcdPermission { Type = Permission, Key = Key, IsPrefix = Prefix, RangeEnd = FromKey ? "\0" : RangeEnd }.Range;
        if (await ShouldProcessAsync(Role, $"Grant {Permission} on {text}").ConfigureAwait(false))
        {
            await WriteObjectAsync(await AuthAdministrator.GrantPermissionAsync(connection, Role, range, Permission, cancellation).ConfigureAwait(false))
                .ConfigureAwait(false);
        }
    }
}
