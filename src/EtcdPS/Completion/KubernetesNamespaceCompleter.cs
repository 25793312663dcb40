using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EtcdPS.Engine.Completion;

namespace EtcdPS.Completion;

/// <summary>Completes -Namespace from the Namespace objects stored in etcd.</summary>
public sealed class KubernetesNamespaceCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = CompleterText.Unquote(wordToComplete);
        return CompleterConnection.Ask(fakeBoundParameters, (connection, cancellation) =>
                KubernetesCompletionSource.NamespacesAsync(connection, typed, KeyCompleter.MaxResults, cancellation))
            .Select(n => CompleterText.Result(n, n))
            .ToArray();
    }
}
