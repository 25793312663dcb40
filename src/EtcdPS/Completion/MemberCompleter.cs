using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Completion;

/// <summary>
/// Completes members from the cluster's member list: their names, or for a parameter named like <c>Endpoint</c> their client
/// URLs and names (what MemberEndpoints accepts, with the connection's own endpoints, which a port-forward makes differ from
/// the member list), or for one named like <c>MemberId</c> their hex ids; a member parameter (<c>-Member</c>, <c>-To</c>) gets names and ids. One MemberList call, bounded in time.
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
        // -Name of Get-EtcdMember matches names only; a member parameter (-Member, -To) takes a name or an id.
        var wantsNamesOnly = parameterName.Equals("Name", StringComparison.OrdinalIgnoreCase);
        var members = CompleterConnection.Ask(fakeBoundParameters, ClusterInspector.ListMembersAsync);
        var ownEndpoints = wantsUrls
            ? (CompleterConnection.From(fakeBoundParameters)?.Endpoints ?? [])
                .Where(e => !members.Any(m => m.ClientUrls.Contains(e, StringComparer.OrdinalIgnoreCase)))
                .Select(e => (Text: e, Tip: $"{e} (this connection's endpoint)"))
            : [];
        return members
            .SelectMany(m => wantsUrls ? m.ClientUrls.Select(u => (Text: u, Tip: $"{m.Name} ({m.Id})")).Append((Text: m.Name, Tip: $"{m.Id} {string.Join(",", m.ClientUrls)}"))
                : wantsIds ? [(Text: m.Id, Tip: $"{m.Name} {string.Join(",", m.ClientUrls)}")]
                : wantsNamesOnly ? [(Text: m.Name, Tip: $"{m.Id} {string.Join(",", m.ClientUrls)}")]
                : [(Text: m.Name, Tip: $"{m.Id} {string.Join(",", m.ClientUrls)}{(m.IsLearner ? " (learner)" : string.Empty)}"),
                    (Text: m.Id, Tip: $"{(m.Name.Length > 0 ? m.Name : "unstarted")} {string.Join(",", m.PeerUrls)}{(m.IsLearner ? " (learner)" : string.Empty)}")])
            .Concat(ownEndpoints)
            .Where(x => x.Text.Length > 0 && pattern.IsMatch(x.Text))
            .OrderBy(x => x.Text, StringComparer.Ordinal)
            .Select(x => CompleterText.Result(x.Text, x.Tip))
            .ToArray();
    }
}
