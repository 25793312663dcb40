using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Lists etcd roles with their key permissions as objects (key range, prefix, read/write), like etcdctl role list and role get.</para>
/// <para type="description">Without -Name every role is returned; names may hold wildcards. Needs the root role once auth is enabled.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdRole")]
[OutputType(typeof(EtcdRole))]
public sealed class GetEtcdRoleCommand : EtcdCmdlet
{
    /// <summary>Role names (wildcards allowed); every role when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Role")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(RoleNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        if (Name is not null && Name.All(n => !WildcardPattern.ContainsWildcardCharacters(n)))
        {
            foreach (var name in Name)
            {
                try
                {
                    await WriteObjectAsync(await AuthAdministrator.GetRoleAsync(connection, name, cancellation).ConfigureAwait(false)).ConfigureAwait(false);
                }
                catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.RoleNotFound)
                {
                    await WriteErrorAsync(ex).ConfigureAwait(false);
                }
            }

            return;
        }

        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var role in await AuthAdministrator.GetRolesAsync(connection, cancellation).ConfigureAwait(false))
        {
            if (patterns is null || patterns.Any(p => p.IsMatch(role.Name)))
            {
                await WriteObjectAsync(role).ConfigureAwait(false);
            }
        }
    }
}
