using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>
/// Writes a JSON tree as YAML exactly the way <c>kubectl get -o yaml</c> prints it. kubectl marshals the object to
/// JSON and converts that with sigs.k8s.io/yaml, which hands it to go-yaml v2: map keys sorted (digits compared as
/// numbers), sequences in a mapping not indented, strings that would read back as another type (numbers, booleans
/// including yes/no/on/off, null, timestamps) double-quoted, strings plain YAML cannot carry single-quoted, strings
/// with line breaks as literal blocks, and plain or quoted text folded at spaces past column 80.
/// </summary>
internal static partial class KubectlYaml
{
    private const int BestWidth = 80;
    private const int BestIndent = 2;

    public static string Write(JsonNode? node)
    {
        var w = new Writer();
        w.Node(node, -BestIndent, Context.Root);
        if (w.Column != 0)
        {
            w.Text.Append('\n');
        }

        return w.Text.ToString();
    }

    private enum Context
    {
        Root,
        MappingValue,
        SequenceItem,
    }

    private sealed class Writer
    {
        public StringBuilder Text { get; } = new();
        public int Column { get; private set; }

        private void Put(char c)
        {
            Text.Append(c);
            Column = c == '\n' ? 0 : Column + 1;
        }

        private void Put(string s)
        {
            foreach (var c in s)
            {
                Put(c);
            }
        }

        private void Indent(int indent)
        {
            if (Column > 0 || Text.Length > 0)
            {
                Put('\n');
            }

            Put(new string(' ', Math.Max(indent, 0)));
        }

        /// <summary>Writes a node whose parent is at <paramref name="indent"/> (-2 at the root).</summary>
        public void Node(JsonNode? node, int indent, Context context)
        {
            switch (node)
            {
                case JsonObject o when o.Count > 0:
                    Mapping(o, indent + BestIndent, context);
                    break;
                case JsonArray a when a.Count > 0:
                    // go-yaml writes a sequence that is a mapping's value at the mapping's own indentation.
                    Sequence(a, context == Context.MappingValue ? indent : indent + BestIndent, context);
                    break;
                case JsonObject:
                    Inline("{}");
                    break;
                case JsonArray:
                    Inline("[]");
                    break;
                default:
                    Scalar(node as JsonValue, indent + BestIndent, context);
                    break;
            }
        }

        private void Inline(string text)
        {
            if (Column > 0)
            {
                Put(' ');
            }

            Put(text);
        }

        private void Mapping(JsonObject o, int indent, Context context)
        {
            var first = true;
            foreach (var key in o.Select(p => p.Key).Order(GoYamlKeyComparer.Instance))
            {
                // The first key of a mapping in a sequence item goes on the item's line, after "- ".
                if (!(first && context == Context.SequenceItem))
                {
                    Indent(indent);
                }

                first = false;
                Key(key);
                Put(':');
                Node(o[key], indent, Context.MappingValue);
            }
        }

        private void Sequence(JsonArray a, int indent, Context context)
        {
            var first = true;
            foreach (var item in a)
            {
                if (!(first && context == Context.SequenceItem))
                {
                    Indent(indent);
                }

                first = false;
                Put("- ");
                Node(item, indent, Context.SequenceItem);
            }
        }

        private void Key(string key)
        {
            var style = StyleOf(key, simpleKey: true);
            switch (style)
            {
                case Style.Plain:
                    Put(key);
                    break;
                case Style.Single:
                    SingleQuoted(key, 0, allowBreaks: false);
                    break;
                default:
                    DoubleQuoted(key, 0, allowBreaks: false);
                    break;
            }
        }

        private void Scalar(JsonValue? value, int indent, Context context)
        {
            string text;
            switch (value?.GetValueKind())
            {
                case null or JsonValueKind.Null:
                    text = "null";
                    break;
                case JsonValueKind.True:
                    text = "true";
                    break;
                case JsonValueKind.False:
                    text = "false";
                    break;
                case JsonValueKind.Number:
                    text = Number(value!);
                    break;
                default:
                    StringScalar(value!.GetValue<string>(), indent, context);
                    return;
            }

            if (context != Context.SequenceItem)
            {
                Put(' ');
            }

            Put(text);
        }

        private void StringScalar(string s, int indent, Context context)
        {
            var style = StyleOf(s, simpleKey: false);
            if (context != Context.SequenceItem && style != Style.Literal)
            {
                Put(' ');
            }

            switch (style)
            {
                case Style.Plain:
                    Plain(s, indent);
                    break;
                case Style.Single:
                    SingleQuoted(s, indent, allowBreaks: true);
                    break;
                case Style.Double:
                    DoubleQuoted(s, indent, allowBreaks: true);
                    break;
                default:
                    Literal(s, indent, context);
                    break;
            }
        }

        private void Plain(string s, int indent)
        {
            var spaces = false;
            for (var i = 0; i < s.Length; i++)
            {
                if (s[i] == ' ')
                {
                    if (!spaces && Column > BestWidth && i + 1 < s.Length && s[i + 1] != ' ')
                    {
                        Indent(indent);
                    }
                    else
                    {
                        Put(' ');
                    }

                    spaces = true;
                }
                else
                {
                    Put(s[i]);
                    spaces = false;
                }
            }
        }

        private void SingleQuoted(string s, int indent, bool allowBreaks)
        {
            Put('\'');
            var spaces = false;
            for (var i = 0; i < s.Length; i++)
            {
                if (s[i] == ' ')
                {
                    if (allowBreaks && !spaces && Column > BestWidth && i != 0 && i != s.Length - 1 && s[i + 1] != ' ')
                    {
                        Indent(indent);
                    }
                    else
                    {
                        Put(' ');
                    }

                    spaces = true;
                    continue;
                }

                if (s[i] == '\'')
                {
                    Put('\'');
                }

                Put(s[i]);
                spaces = false;
            }

            Put('\'');
        }

        private void DoubleQuoted(string s, int indent, bool allowBreaks)
        {
            Put('"');
            var spaces = false;
            for (var i = 0; i < s.Length; i++)
            {
                var c = s[i];
                if (!IsPrintable(s, i) || c is '"' or '\\' || c == '\uFEFF')
                {
                    Put('\\');
                    switch (c)
                    {
                        case '\0': Put('0'); break;
                        case '\a': Put('a'); break;
                        case '\b': Put('b'); break;
                        case '\t': Put('t'); break;
                        case '\n': Put('n'); break;
                        case '\v': Put('v'); break;
                        case '\f': Put('f'); break;
                        case '\r': Put('r'); break;
                        case '\x1b': Put('e'); break;
                        case '"': Put('"'); break;
                        case '\\': Put('\\'); break;
                        case '\u0085': Put('N'); break;
                        case '\u00a0': Put('_'); break;
                        case '\u2028': Put('L'); break;
                        case '\u2029': Put('P'); break;
                        default:
                            var rune = char.IsSurrogatePair(s, i) ? char.ConvertToUtf32(s, i++) : c;
                            Put(rune <= 0xff ? $"x{rune:X2}" : rune <= 0xffff ? $"u{rune:X4}" : $"U{rune:X8}");
                            break;
                    }

                    spaces = false;
                    continue;
                }

                if (c == ' ')
                {
                    if (allowBreaks && !spaces && Column > BestWidth && i != 0 && i != s.Length - 1)
                    {
                        Indent(indent);
                        if (i + 1 < s.Length && s[i + 1] == ' ')
                        {
                            Put('\\');
                        }
                    }
                    else
                    {
                        Put(' ');
                    }

                    spaces = true;
                    continue;
                }

                Put(c);
                spaces = false;
            }

            Put('"');
        }

        private void Literal(string s, int indent, Context context)
        {
            if (context != Context.SequenceItem)
            {
                Put(' ');
            }

            Put('|');
            if (s.Length > 0 && s[0] is ' ' or '\n')
            {
                Put(BestIndent.ToString(CultureInfo.InvariantCulture));
            }

            if (!s.EndsWith('\n'))
            {
                Put('-');
            }
            else if (s.Length == 1 || s[^2] == '\n')
            {
                Put('+');
            }

            var lines = s.Split('\n');
            var count = s.EndsWith('\n') ? lines.Length - 1 : lines.Length;
            for (var i = 0; i < count; i++)
            {
                Put('\n');
                if (lines[i].Length > 0)
                {
                    Put(new string(' ', indent));
                    Put(lines[i]);
                }
            }
        }
    }

    private enum Style
    {
        Plain,
        Single,
        Double,
        Literal,
    }

    /// <summary>go-yaml's choice: the tag a plain scalar would resolve to, then what the emitter's analysis allows.</summary>
    private static Style StyleOf(string s, bool simpleKey)
    {
        var multiline = s.Contains('\n');
        var analysis = Analyze(s);
        if (multiline && !simpleKey)
        {
            return analysis.BlockAllowed ? Style.Literal : Style.Double;
        }

        if (!ResolvesToString(s) || IsBase60Float().IsMatch(s))
        {
            return Style.Double;
        }

        if (analysis.BlockPlainAllowed && !(multiline && simpleKey) && s.Length > 0)
        {
            return Style.Plain;
        }

        return analysis.SingleQuotedAllowed && !(multiline && simpleKey) ? Style.Single : Style.Double;
    }

    private readonly record struct Analysis(bool BlockPlainAllowed, bool SingleQuotedAllowed, bool BlockAllowed);

    /// <summary>libyaml's scalar analysis (yaml_emitter_analyze_scalar) for block context.</summary>
    private static Analysis Analyze(string s)
    {
        if (s.Length == 0)
        {
            return new Analysis(false, true, false);
        }

        bool blockIndicators = false, lineBreaks = false, special = false;
        bool leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
        bool breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;
        if (s.StartsWith("---", StringComparison.Ordinal) || s.StartsWith("...", StringComparison.Ordinal))
        {
            blockIndicators = true;
        }

        var precededByWhitespace = true;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            var followedByWhitespace = i + 1 >= s.Length || s[i + 1] is ' ' or '\t' or '\n' or '\r';
            if (i == 0)
            {
                if (c is '#' or ',' or '[' or ']' or '{' or '}' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`')
                {
                    blockIndicators = true;
                }

                if (c is '?' or ':' && followedByWhitespace)
                {
                    blockIndicators = true;
                }

                if (c == '-' && followedByWhitespace)
                {
                    blockIndicators = true;
                }
            }
            else
            {
                if (c == ':' && followedByWhitespace)
                {
                    blockIndicators = true;
                }

                if (c == '#' && precededByWhitespace)
                {
                    blockIndicators = true;
                }
            }

            if (!IsPrintable(s, i) || c == '\uFEFF')
            {
                special = true;
            }

            if (char.IsSurrogatePair(s, i))
            {
                i++;
            }

            if (c == '\n')
            {
                lineBreaks = true;
            }

            if (c == ' ')
            {
                if (i == 0) { leadingSpace = true; }
                if (i == s.Length - 1) { trailingSpace = true; }
                if (previousBreak) { breakSpace = true; }
                previousSpace = true;
                previousBreak = false;
            }
            else if (c == '\n')
            {
                if (i == 0) { leadingBreak = true; }
                if (i == s.Length - 1) { trailingBreak = true; }
                if (previousSpace) { spaceBreak = true; }
                previousSpace = false;
                previousBreak = true;
            }
            else
            {
                previousSpace = false;
                previousBreak = false;
            }

            precededByWhitespace = c is ' ' or '\t' or '\n' or '\r';
        }

        bool blockPlain = true, singleQuoted = true, block = true;
        if (leadingSpace || leadingBreak || trailingSpace || trailingBreak)
        {
            blockPlain = false;
        }

        if (trailingSpace)
        {
            block = false;
        }

        if (breakSpace)
        {
            blockPlain = false;
            singleQuoted = false;
        }

        if (spaceBreak || special)
        {
            blockPlain = false;
            singleQuoted = false;
            block = false;
        }

        if (lineBreaks || blockIndicators)
        {
            blockPlain = false;
        }

        return new Analysis(blockPlain, singleQuoted, block);
    }

    /// <summary>libyaml's printable set (go-yaml emits unicode as is).</summary>
    private static bool IsPrintable(string s, int i)
    {
        var c = s[i];
        if (char.IsSurrogate(c))
        {
            return char.IsSurrogatePair(s, i);
        }

        return c == '\n' || (c >= 0x20 && c <= 0x7e) || c == 0x85
            || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c != 0xfeff);
    }

    /// <summary>go-yaml v2's resolve(): true when an unquoted scalar would read back as this same string.</summary>
    private static bool ResolvesToString(string s)
    {
        if (s.Length == 0 || s_specialWords.Contains(s))
        {
            return false;
        }

        var first = s[0];
        if (first == '.')
        {
            return !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        }

        if (!(char.IsAsciiDigit(first) || first is '+' or '-'))
        {
            return true;
        }

        if (IsTimestamp(s))
        {
            return false;
        }

        var plain = s.Replace("_", string.Empty, StringComparison.Ordinal);
        return !(IsGoInteger(plain) || YamlFloat().IsMatch(plain) || BinaryInteger().IsMatch(plain));
    }

    private static readonly HashSet<string> s_specialWords = new(StringComparer.Ordinal)
    {
        "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE",
        "~", "null", "Null", "NULL", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF",
        "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<",
    };

    /// <summary>strconv.ParseInt/ParseUint with base 0: decimal, 0x, 0o, 0b, or a leading 0 for octal, with a sign.</summary>
    private static bool IsGoInteger(string s) => GoInteger().IsMatch(s);

    /// <summary>go-yaml v2's parseTimestamp: four digits and '-' first, then one of its layouts.</summary>
    private static bool IsTimestamp(string s) => s.Length > 4 && s[4] == '-' && s[..4].All(char.IsAsciiDigit) && Timestamp().IsMatch(s);

    /// <summary>A JSON number as go-yaml prints what yaml.Unmarshal made of it: integers as they are, others as float64.</summary>
    private static string Number(JsonValue value)
    {
        var raw = value.ToJsonString();
        if (!raw.Contains('.') && !raw.Contains('e') && !raw.Contains('E')
            && (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) || ulong.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return raw;
        }

        return GoFloat(double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    /// <summary>strconv.FormatFloat(f, 'g', -1, 64): the shortest digits; exponent form below 1e-4 and from 1e6 (e+06).</summary>
    internal static string GoFloat(double d)
    {
        if (d == 0)
        {
            return double.IsNegative(d) ? "-0" : "0";
        }

        // The shortest round-trip digits and the decimal exponent of the first digit.
        var r = Math.Abs(d).ToString("E16", CultureInfo.InvariantCulture);
        var shortest = Math.Abs(d).ToString("R", CultureInfo.InvariantCulture);
        var digits = new string(shortest.TakeWhile(c => c is not ('E' or 'e')).Where(char.IsAsciiDigit).ToArray()).TrimStart('0').TrimEnd('0');
        var exponent = int.Parse(r[(r.IndexOf('E') + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var sign = d < 0 ? "-" : string.Empty;
        if (exponent < -4 || exponent >= 6)
        {
            var mantissa = digits.Length > 1 ? digits[0] + "." + digits[1..] : digits;
            return $"{sign}{mantissa}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
        }

        if (exponent < 0)
        {
            return $"{sign}0.{new string('0', -exponent - 1)}{digits}";
        }

        return digits.Length <= exponent + 1
            ? sign + digits + new string('0', exponent + 1 - digits.Length)
            : $"{sign}{digits[..(exponent + 1)]}.{digits[(exponent + 1)..]}";
    }

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex YamlFloat();

    [GeneratedRegex(@"^-?0b[01]+$")]
    private static partial Regex BinaryInteger();

    [GeneratedRegex(@"^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")]
    private static partial Regex GoInteger();

    [GeneratedRegex(@"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")]
    private static partial Regex IsBase60Float();

    // 2006-1-2T15:4:5.999999999Z07:00, the same with t, 2006-1-2 15:4:5.999999999, and 2006-1-2.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2}))|( [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?))?$")]
    private static partial Regex Timestamp();
}

/// <summary>go-yaml v2's map key order: letters after other characters, runs of digits compared as numbers.</summary>
internal sealed class GoYamlKeyComparer : IComparer<string>
{
    public static readonly GoYamlKeyComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        var a = x ?? string.Empty;
        var b = y ?? string.Empty;
        for (var i = 0; i < a.Length && i < b.Length; i++)
        {
            if (a[i] == b[i])
            {
                continue;
            }

            var al = char.IsLetter(a[i]);
            var bl = char.IsLetter(b[i]);
            if (al && bl)
            {
                return a[i].CompareTo(b[i]);
            }

            if (al || bl)
            {
                return bl ? -1 : 1;
            }

            long an = 0, bn = 0;
            if (a[i] == '0' || b[i] == '0')
            {
                for (var j = i - 1; j >= 0 && char.IsDigit(a[j]); j--)
                {
                    if (a[j] != '0')
                    {
                        an = 1;
                        bn = 1;
                        break;
                    }
                }
            }

            int ai, bi;
            for (ai = i; ai < a.Length && char.IsDigit(a[ai]); ai++)
            {
                an = (an * 10) + (a[ai] - '0');
            }

            for (bi = i; bi < b.Length && char.IsDigit(b[bi]); bi++)
            {
                bn = (bn * 10) + (b[bi] - '0');
            }

            if (an != bn)
            {
                return an.CompareTo(bn);
            }

            if (ai != bi)
            {
                return ai.CompareTo(bi);
            }

            return a[i].CompareTo(b[i]);
        }

        return a.Length.CompareTo(b.Length);
    }
}
