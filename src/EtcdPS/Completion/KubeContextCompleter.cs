using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Connection.Kubernetes;

namespace EtcdPS.Completion;

/// <summary>Completes the context names of the kubeconfig (-Kubeconfig when typed, else KUBECONFIG or ~/.kube/config).</summary>
public sealed class KubeContextCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var kubeconfig = fakeBoundParameters.Contains("Kubeconfig") ? fakeBoundParameters["Kubeconfig"]?.ToString() : null;
        var pattern = new WildcardPattern(WildcardPattern.Escape(CompleterText.Unquote(wordToComplete)) + "*", WildcardOptions.IgnoreCase);
        return KubeconfigLoader.ContextNames(kubeconfig, Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))
            .Where(name => pattern.IsMatch(name))
            .Order(StringComparer.Ordinal)
            .Select(name => CompleterText.Result(name, name));
    }
}
