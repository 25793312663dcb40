using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace EtcdPS.Commands.Maintenance;

/// <summary>Completes the endpoints of the connection in use (-Connection, else the session's default), without calling etcd.</summary>
public sealed class EndpointCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var connection = fakeBoundParameters["Connection"] is { } given
            ? (given is PSObject ps ? ps.BaseObject : given) as EtcdConnection
            : ConnectionRegistry.Current.Default;
        if (connection is null)
        {
            return [];
        }

        var pattern = new WildcardPattern(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return connection.Endpoints
            .Where(e => pattern.IsMatch(e))
            .Select(e => new CompletionResult(e, e, CompletionResultType.ParameterValue, e));
    }
}
