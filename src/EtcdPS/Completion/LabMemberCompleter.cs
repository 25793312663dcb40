using System.Management.Automation;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Completion;

/// <summary>Completes the member names of the lab given with -Lab (or of every lab of this process), with each member's state.</summary>
public sealed class LabMemberCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters)
    {
        var pattern = CompleterText.StartsWith(wordToComplete);
        var lab = fakeBoundParameters["Lab"] as string;
        return LabRegistry.All
            .Where(l => lab is null || string.Equals(l.Lab.Name, lab, StringComparison.OrdinalIgnoreCase))
            .SelectMany(l => l.Lab.Member)
            .Where(m => pattern.IsMatch(m.Name))
            .GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => CompleterText.Result(g.Key, string.Join("; ", g.Select(m => $"{m.Lab}: {m.State}, {m.Endpoint}"))))
            .ToArray();
    }
}
