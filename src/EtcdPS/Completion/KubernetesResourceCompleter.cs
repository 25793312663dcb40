using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EtcdPS.Engine.Completion;

namespace EtcdPS.Completion;

/// <summary>Completes -Resource: built-in resources and the custom resources whose CRDs are stored in etcd.</summary>
public sealed class KubernetesResourceCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = CompleterText.Unquote(wordToComplete);
        var names = CompleterConnection.Ask(fakeBoundParameters, (connection, cancellation) =>
            KubernetesCompletionSource.ResourcesAsync(connection, typed, KeyCompleter.MaxResults, cancellation));
        if (names.Count == 0)
        {
            // No connection: the built-in resources are still known.
            names = Engine.Kubernetes.KubernetesResources.All.Select(r => r.Resource)
                .Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToArray();
        }

        return names.Select(n => CompleterText.Result(n, n)).ToArray();
    }
}
