using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EtcdPS.Engine.Completion;

namespace EtcdPS.Completion;

/// <summary>
/// Completes etcd keys live, one path level at a time, under what was typed so far: <c>-Prefix /registry/&lt;Tab&gt;</c>
/// offers <c>/registry/pods/</c>, <c>/registry/deployments/</c>, ... Every key or prefix parameter uses it with
/// <c>[ArgumentCompleter(typeof(KeyCompleter))]</c>. It uses the command's <c>-Connection</c> when given, else the
/// session's default connection, and gives up quietly after a short time so Tab never hangs.
/// </summary>
public sealed class KeyCompleter : IArgumentCompleter
{
    /// <summary>How many suggestions at most.</summary>
    public const int MaxResults = 200;

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var typed = CompleterText.Unquote(wordToComplete);
        return CompleterConnection.Ask(fakeBoundParameters, (connection, cancellation) =>
                KeyCompletionSource.CompleteAsync(connection, typed, MaxResults, cancellation))
            .Select(k => CompleterText.Result(k, k))
            .ToArray();
    }
}
