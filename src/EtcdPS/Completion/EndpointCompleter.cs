using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace EtcdPS.Completion;

/// <summary>
/// Completes the endpoints of the connection in use (-Connection, else the session's default), without calling etcd: for
/// parameters that take one of the connection's own endpoints (Save-EtcdSnapshot -Endpoint). Parameters that take any member
/// use <see cref="MemberCompleter"/>.
/// </summary>
public sealed class EndpointCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = CompleterText.StartsWith(wordToComplete);
        return (CompleterConnection.From(fakeBoundParameters)?.Endpoints ?? [])
            .Where(e => pattern.IsMatch(e))
            .Select(e => CompleterText.Result(e, e))
            .ToArray();
    }
}
