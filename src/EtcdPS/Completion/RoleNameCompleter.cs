using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Etcdserverpb;

namespace EtcdPS.Completion;

/// <summary>
/// Completes etcd role names from the cluster's role list (needs a user allowed to list roles). With a -User already
/// typed, Remove-EtcdUserRole offers that user's roles and Add-EtcdUserRole the roles the user does not have yet.
/// </summary>
public sealed class RoleNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = CompleterText.StartsWith(wordToComplete);
        var user = fakeBoundParameters["User"] as string ?? fakeBoundParameters["Name"] as string;
        var revoking = string.Equals(commandName, "Remove-EtcdUserRole", StringComparison.OrdinalIgnoreCase);
        var granting = string.Equals(commandName, "Add-EtcdUserRole", StringComparison.OrdinalIgnoreCase);
        return CompleterConnection.Ask(fakeBoundParameters, async (connection, cancellation) =>
            {
                var roles = (await connection.CallAsync((c, o) => c.Auth.RoleListAsync(new AuthRoleListRequest(), o).ResponseAsync, cancellation)
                    .ConfigureAwait(false)).Roles.ToArray();
                if (string.IsNullOrEmpty(user) || !(revoking || granting))
                {
                    return (IReadOnlyList<string>)roles;
                }

                var held = (await connection.CallAsync((c, o) => c.Auth.UserGetAsync(new AuthUserGetRequest { Name = user }, o).ResponseAsync, cancellation)
                    .ConfigureAwait(false)).Roles;
                return roles.Where(r => held.Contains(r) == revoking).ToArray();
            })
            .Where(n => pattern.IsMatch(n))
            .Order(StringComparer.Ordinal)
            .Select(n => CompleterText.Result(n, $"etcd role {n}"))
            .ToArray();
    }
}
