using System.Management.Automation;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Completion;

/// <summary>Completes the names of the labs running in this process.</summary>
public sealed class LabNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        System.Management.Automation.Language.CommandAst commandAst, System.Collections.IDictionary fakeBoundParameters)
    {
        var pattern = CompleterText.StartsWith(wordToComplete);
        return LabRegistry.All.Where(l => pattern.IsMatch(l.Lab.Name))
            .Select(l => CompleterText.Result(l.Lab.Name, l.Lab.ToString()))
            .ToArray();
    }
}
