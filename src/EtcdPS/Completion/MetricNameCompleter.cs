using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EtcdPS.Engine.Cluster;

namespace EtcdPS.Completion;

/// <summary>Completes metric names from the metrics of the connection's first endpoint (one read, bounded in time).</summary>
public sealed class MetricNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = CompleterText.StartsWith(wordToComplete);
        return CompleterConnection.Ask(fakeBoundParameters, async (connection, cancellation) =>
            {
                var target = new MetricTarget(string.Empty, MetricReader.WithMetricsPath(connection.Clients[0].Address));
                var outcome = await MetricReader.ReadOneAsync(connection, target, null, cancellation).ConfigureAwait(false);
                return outcome.Value ?? [];
            })
            .Select(m => (m.Name, m.Type, m.Help))
            .DistinctBy(m => m.Name)
            .Where(m => pattern.IsMatch(m.Name))
            .OrderBy(m => m.Name, StringComparer.Ordinal)
            .Select(m => CompleterText.Result(m.Name, $"{m.Type}: {m.Help}"))
            .ToArray();
    }
}
