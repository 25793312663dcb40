using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Lists etcd users with their roles, like etcdctl user list and user get.</para>
/// <para type="description">Without -Name every user is returned; names may hold wildcards. Needs the root role once auth is enabled.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdUser")]
[OutputType(typeof(EtcdUser))]
public sealed class GetEtcdUserCommand : AuthReadCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("User")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(UserNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        await WriteByNameAsync(Name, EtcdErrorIds.UserNotFound,
            name => AuthAdministrator.GetUserAsync(connection, name, cancellation),
            () => AuthAdministrator.GetUsersAsync(connection, cancellation),
            user => user.Name).ConfigureAwait(false);
    }
}
