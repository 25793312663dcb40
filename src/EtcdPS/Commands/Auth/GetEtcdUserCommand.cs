using System.Management.Automation;
using EtcdPS.Engine.Auth;

namespace EtcdPS.Commands.Auth;

/// <summary>
/// <para type="synopsis">Lists etcd users with their roles, like etcdctl user list and user get.</para>
/// <para type="description">Without -Name every user is returned; names may hold wildcards. Needs the root role once auth is enabled.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdUser")]
[OutputType(typeof(EtcdUser))]
public sealed class GetEtcdUserCommand : EtcdCmdlet
{
    /// <summary>User names (wildcards allowed); every user when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("User")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(UserNameCompleter))]
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
                    await WriteObjectAsync(await AuthAdministrator.GetUserAsync(connection, name, cancellation).ConfigureAwait(false)).ConfigureAwait(false);
                }
                catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.UserNotFound)
                {
                    await WriteErrorAsync(ex).ConfigureAwait(false);
                }
            }

            return;
        }

        var patterns = Name?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToArray();
        foreach (var user in await AuthAdministrator.GetUsersAsync(connection, cancellation).ConfigureAwait(false))
        {
            if (patterns is null || patterns.Any(p => p.IsMatch(user.Name)))
            {
                await WriteObjectAsync(user).ConfigureAwait(false);
            }
        }
    }
}
