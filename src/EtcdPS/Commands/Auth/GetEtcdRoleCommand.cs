using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Lists etcd roles with their key permissions as objects (key range, prefix, read/write), like etcdctl role list and role get.</para>
/// <para type="description">Without -Name every role is returned; names may hold wildcards. Needs the root role once auth is enabled.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdRole")]
[OutputType(typeof(EtcdRole))]
public sealed class GetEtcdRoleCommand : AuthReadCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Role")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RoleNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        await WriteByNameAsync(Name, EtcdErrorIds.RoleNotFound,
            name => AuthAdministrator.GetRoleAsync(connection, name, cancellation),
            () => AuthAdministrator.GetRolesAsync(connection, cancellation),
            role => role.Name).ConfigureAwait(false);
    }
}
