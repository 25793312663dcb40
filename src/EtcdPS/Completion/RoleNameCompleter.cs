using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Etcdserverpb;

namespace EtcdPS.Completion;

/// <summary>Completes etcd role names from the cluster's role list (needs a user allowed to list roles).</summary>
public sealed class RoleNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = CompleterText.StartsWith(wordToComplete);
        return CompleterConnection.Ask(fakeBoundParameters, async (connection, cancellation) =>
                (IReadOnlyList<string>)(await connection.CallAsync((c, o) => c.Auth.RoleListAsync(new AuthRoleListRequest(), o).ResponseAsync, cancellation)
                    .ConfigureAwait(false)).Roles.ToArray())
            .Where(n => pattern.IsMatch(n))
            .Order(StringComparer.Ordinal)
            .Select(n => CompleterText.Result(n, $"etcd role {n}"))
            .ToArray();
    }
}
