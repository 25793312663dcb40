using System.Collections;
using System.Management.Automation;

namespace EtcdPS.Completion;

/// <summary>What was typed and what is offered: quoting, so keys with spaces or PowerShell's special characters stay one argument.</summary>
internal static class CompleterText
{
    public static string Unquote(string word) => word.Length >= 1 && word[0] is '\'' or '"'
        ? word.Trim(word[0]).Replace("''", "'", StringComparison.Ordinal)
        : word;

    public static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsLetterOrDigit(c) || c is '/' or '-' or '_' or '.' or ':' or '+' or '=' or '@' or '~')
            ? value
            : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Matches the values that start with what was typed (which may hold wildcards), ignoring case.</summary>
    public static WildcardPattern StartsWith(string word) => new(Unquote(word) + "*", WildcardOptions.IgnoreCase);

    /// <summary>The completion of <paramref name="value"/>, quoted where it must be.</summary>
    public static CompletionResult Result(string value, string toolTip) =>
        new(Quote(value), value, CompletionResultType.ParameterValue, toolTip);
}
