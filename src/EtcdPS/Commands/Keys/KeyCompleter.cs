using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// Tab completion of keys: the keys under what was typed, read keys-only from the session's default connection
/// (at most 100, for at most two seconds, so a slow cluster never freezes the prompt).
/// </summary>
public sealed class KeyCompleter : IArgumentCompleter
{
    private const int MaxResults = 100;

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var connection = ConnectionRegistry.Current.Default;
        if (connection is null || connection.IsClosed)
        {
            return [];
        }

        var typed = wordToComplete.Trim('\'', '"');
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var query = new KeyQuery { Range = KeyRange.Prefix(KeyReadProgress.Utf8(typed)), KeysOnly = true, Limit = MaxResults };
        try
        {
            // A completer is called synchronously on the pipeline thread; the read runs on the thread pool meanwhile.
            var keys = Task.Run(() => ReadKeysAsync(connection, query, timeout.Token), timeout.Token).GetAwaiter().GetResult();
            return keys.Select(k => new CompletionResult(Quote(k), k, CompletionResultType.ParameterValue, k));
        }
        catch (Exception ex) when (ex is EtcdException or OperationCanceledException)
        {
            return [];
        }
    }

    private static async Task<List<string>> ReadKeysAsync(EtcdConnection connection, KeyQuery query, CancellationToken cancellation)
    {
        var keys = new List<string>();
        await foreach (var kv in new RevisionPinnedRangeReader(connection, query).ReadRawAsync(cancellation).ConfigureAwait(false))
        {
            keys.Add(ValueKinds.KeyToText(kv.Key.Span));
        }

        return keys;
    }

    private static string Quote(string key) =>
        key.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or ',' or ';' or '(' or ')' or '{' or '}' or '@' or '#')
            ? "'" + key.Replace("'", "''", StringComparison.Ordinal) + "'"
            : key;
}
