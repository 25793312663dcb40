using System.Collections;
using System.Management.Automation;

namespace EtcdPS.Completion;

/// <summary>What was typed and what is offered: quoting, so keys with spaces or PowerShell's special characters stay one argument.</summary>
internal static class CompleterText
{
    // PowerShell takes all of these as single quotes (and the typographic double quotes as double quotes).
    private static bool IsSingleQuote(char c) => c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B';

    private static bool IsDoubleQuote(char c) => c is '"' or '\u201C' or '\u201D' or '\u201E';

    public static string Unquote(string word)
    {
        if (word.Length == 0 || !(IsSingleQuote(word[0]) || IsDoubleQuote(word[0])))
        {
            return word;
        }

        var single = IsSingleQuote(word[0]);
        var inner = word[1..];
        if (inner.Length > 0 && (single ? IsSingleQuote(inner[^1]) : IsDoubleQuote(inner[^1])))
        {
            inner = inner[..^1];
        }

        if (!single)
        {
            return inner;
        }

        // A doubled quote (any of the single-quote characters, twice) stands for one.
        var text = new System.Text.StringBuilder(inner.Length);
        for (var i = 0; i < inner.Length; i++)
        {
            text.Append(inner[i]);
            if (IsSingleQuote(inner[i]) && i + 1 < inner.Length && IsSingleQuote(inner[i + 1]))
            {
                i++;
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// The value as one argument: bare when it holds only plain characters, else in single quotes with every
    /// single-quote character PowerShell knows (' ‘ ’ ‚ ‛) escaped, so a key cannot end the string and inject code.
    /// </summary>
    public static string Quote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '.' or ':' or '+' or '=' or '@')
            && value[0] is not ('-' or '@' or '+')
            ? value
            : "'" + System.Management.Automation.Language.CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";

    /// <summary>Matches the values that start with what was typed (which may hold wildcards), ignoring case.</summary>
    public static WildcardPattern StartsWith(string word) => new(Unquote(word) + "*", WildcardOptions.IgnoreCase);

    /// <summary>The completion of <paramref name="value"/>, quoted where it must be.</summary>
    public static CompletionResult Result(string value, string toolTip) =>
        new(Quote(value), value, CompletionResultType.ParameterValue, toolTip);
}
