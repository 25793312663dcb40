using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Etcdserverpb;

namespace EtcdPS.Completion;

/// <summary>Completes etcd user names from the cluster's user list (needs a user allowed to list users).</summary>
public sealed class UserNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = CompleterText.StartsWith(wordToComplete);
        return CompleterConnection.Ask(fakeBoundParameters, async (connection, cancellation) =>
                (IReadOnlyList<string>)(await connection.CallAsync((c, o) => c.Auth.UserListAsync(new AuthUserListRequest(), o).ResponseAsync, cancellation)
                    .ConfigureAwait(false)).Users.ToArray())
            .Where(n => pattern.IsMatch(n))
            .Order(StringComparer.Ordinal)
            .Select(n => CompleterText.Result(n, $"etcd user {n}"))
            .ToArray();
    }
}
