using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Completion;

/// <summary>
/// Completes members from the cluster's member list: their names, or for a parameter named like <c>Endpoint</c> their client
/// URLs, or for one named like <c>MemberId</c> their hex ids. One MemberList call, bounded in time.
/// </summary>
public sealed class MemberCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = CompleterText.StartsWith(wordToComplete);
        var wantsUrls = parameterName.Contains("Endpoint", StringComparison.OrdinalIgnoreCase);
        var wantsIds = parameterName.EndsWith("Id", StringComparison.OrdinalIgnoreCase);
        return CompleterConnection.Ask(fakeBoundParameters, ClusterInspector.ListMembersAsync)
            .SelectMany(m => wantsUrls ? m.ClientUrls.Select(u => (Text: u, Tip: $"{m.Name} ({m.Id})"))
                : wantsIds ? [(Text: m.Id, Tip: $"{m.Name} {string.Join(",", m.ClientUrls)}")]
                : [(Text: m.Name, Tip: $"{m.Id} {string.Join(",", m.ClientUrls)}")])
            .Where(x => x.Text.Length > 0 && pattern.IsMatch(x.Text))
            .OrderBy(x => x.Text, StringComparer.Ordinal)
            .Select(x => CompleterText.Result(x.Text, x.Tip))
            .ToArray();
    }
}
