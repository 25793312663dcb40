using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace EtcdPS.Completion;

/// <summary>Completes the names of this session's mounted snapshots.</summary>
public sealed class MountedSnapshotNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = CompleterText.StartsWith(wordToComplete);
        return ConnectionRegistry.Current.All
            .Where(c => c.IsReadOnly && pattern.IsMatch(c.Name))
            .Select(c => CompleterText.Result(c.Name, c.ToString()))
            .ToArray();
    }
}
