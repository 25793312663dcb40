using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Commands;

/// <summary>
/// Completes member names from the cluster's member list (or, for a parameter named <c>Endpoint</c>, the members'
/// client URLs). One MemberList call, bounded in time.
/// </summary>
public sealed class MemberCompleter : IArgumentCompleter
{
    private static readonly TimeSpan s_budget = TimeSpan.FromSeconds(3);

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var connection = CompleterConnection.From(fakeBoundParameters);
        if (connection is null)
        {
            return [];
        }

        var pattern = new WildcardPattern(CompleterText.Unquote(wordToComplete) + "*", WildcardOptions.IgnoreCase);
        var wantsUrls = parameterName.Contains("Endpoint", StringComparison.OrdinalIgnoreCase);
        try
        {
            // Completers are synchronous by contract; the call runs on the thread pool with a hard time budget.
            using var budget = new CancellationTokenSource(s_budget);
            var members = Task.Run(() => ClusterInspector.ListMembersAsync(connection, budget.Token), budget.Token).GetAwaiter().GetResult();
            return members
                .SelectMany(m => wantsUrls ? m.ClientUrls.Select(u => (Text: u, Tip: $"{m.Name} ({m.Id})")) : [(Text: m.Name, Tip: $"{m.Id} {string.Join(",", m.ClientUrls)}")])
                .Where(x => x.Text.Length > 0 && pattern.IsMatch(x.Text))
                .OrderBy(x => x.Text, StringComparer.Ordinal)
                .Select(x => new CompletionResult(CompleterText.Quote(x.Text), x.Text, CompletionResultType.ParameterValue, x.Tip))
                .ToArray();
        }
        catch (Exception ex) when (ex is EtcdException or OperationCanceledException)
        {
            return [];
        }
    }
}
