using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EtcdPS.Engine.Completion;

namespace EtcdPS.Commands;

/// <summary>
/// Completes etcd keys live, one path level at a time, under what was typed so far: <c>-Prefix /registry/&lt;Tab&gt;</c>
/// offers <c>/registry/pods/</c>, <c>/registry/deployments/</c>, ... Any key or prefix parameter can use it with
/// <c>[ArgumentCompleter(typeof(KeyCompleter))]</c>. It uses the command's <c>-Connection</c> when given, else the
/// session's default connection, and gives up quietly after a short time so Tab never hangs.
/// </summary>
public sealed class KeyCompleter : IArgumentCompleter
{
    /// <summary>How many suggestions at most.</summary>
    public const int MaxResults = 200;

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

        var typed = CompleterText.Unquote(wordToComplete);
        try
        {
            // Completers are synchronous by contract; the work runs on the thread pool with a hard time budget.
            using var budget = new CancellationTokenSource(s_budget);
            var keys = Task.Run(() => KeyCompletionSource.CompleteAsync(connection, typed, MaxResults, budget.Token), budget.Token)
                .GetAwaiter().GetResult();
            return keys.Select(k => new CompletionResult(CompleterText.Quote(k), k, CompletionResultType.ParameterValue, k)).ToArray();
        }
        catch (Exception ex) when (ex is EtcdException or OperationCanceledException)
        {
            return [];
        }
    }
}

/// <summary>The connection a completer should ask: the command's -Connection, else the session default.</summary>
internal static class CompleterConnection
{
    public static EtcdConnection? From(IDictionary fakeBoundParameters)
    {
        var given = fakeBoundParameters.Contains("Connection") ? fakeBoundParameters["Connection"] : null;
        if ((given is PSObject wrapped ? wrapped.BaseObject : given) is EtcdConnection { IsClosed: false } explicitConnection)
        {
            return explicitConnection;
        }

        return ConnectionRegistry.Current.Default is { IsClosed: false } current ? current : null;
    }
}

/// <summary>Quoting of completion text, so keys with spaces or PowerShell's special characters stay one argument.</summary>
internal static class CompleterText
{
    public static string Unquote(string word) => word.Length >= 1 && word[0] is '\'' or '"'
        ? word.Trim(word[0]).Replace("''", "'", StringComparison.Ordinal)
        : word;

    public static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsLetterOrDigit(c) || c is '/' or '-' or '_' or '.' or ':' or '+' or '=' or '@' or '~')
            ? value
            : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
