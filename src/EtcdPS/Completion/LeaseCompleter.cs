using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using Etcdserverpb;

namespace EtcdPS.Completion;

/// <summary>Completes lease ids (as 0x hex literals, which PowerShell reads as numbers) from the cluster's lease list.</summary>
public sealed class LeaseCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = CompleterText.Unquote(wordToComplete);
        typed = typed.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? typed[2..] : typed;
        var pattern = new WildcardPattern(typed + "*", WildcardOptions.IgnoreCase);
        return CompleterConnection.Ask(fakeBoundParameters, ListAsync)
            .Select(id => MemberIds.LeaseToHex(id))
            .Where(hex => pattern.IsMatch(hex) || pattern.IsMatch(hex.TrimStart('0')))
            .Order(StringComparer.Ordinal)
            .Select(hex => new CompletionResult("0x" + hex, hex, CompletionResultType.ParameterValue, $"lease {hex}"))
            .ToArray();
    }

    private static async Task<IReadOnlyList<long>> ListAsync(EtcdConnection connection, CancellationToken cancellation)
    {
        var response = await connection.CallAsync((c, o) => c.Lease.LeaseLeasesAsync(new LeaseLeasesRequest(), o).ResponseAsync, cancellation)
            .ConfigureAwait(false);
        return response.Leases.Select(l => l.ID).ToArray();
    }
}
