using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>One term of a field selector: <c>status.phase=Running</c> or <c>spec.nodeName!=node-1</c>.</summary>
internal sealed record FieldRequirement(string Path, bool Equal, string Value)
{
    private readonly string[] _segments = Path.Split('.');

    /// <summary>True when only metadata is needed to evaluate it.</summary>
    public bool OnMetadata => _segments[0] == "metadata";

    public bool Matches(JsonObject obj) => string.Equals(ValueAt(obj), Value, StringComparison.Ordinal) == Equal;

    /// <summary>True once an object had this field: a path no object has is most likely a typo (kubectl refuses it).</summary>
    public bool Seen { get; private set; }

    /// <summary>The field as text, like the API server's field labels: a missing field is the empty string.</summary>
    private string ValueAt(JsonObject obj)
    {
        JsonNode? node = obj;
        foreach (var segment in _segments)
        {
            node = node is JsonObject o ? o[segment] : null;
            if (node is null)
            {
                return string.Empty;
            }
        }

        Seen = true;
        return node switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValueKind() == JsonValueKind.True ? "true" : "false",
            JsonValue v when v.TryGetValue<double>(out var d) => d.ToString(CultureInfo.InvariantCulture),
            _ => node.ToJsonString(),
        };
    }
}

/// <summary>
/// A field selector as kubectl's <c>--field-selector</c> takes it: <c>path=value</c>, <c>path==value</c> or
/// <c>path!=value</c>, comma-separated, all must hold; <c>\,</c> <c>\=</c> <c>\!</c> and <c>\\</c> escape. Unlike the API
/// server, any field path of the stored object works (metadata.name, metadata.namespace, status.phase, spec.nodeName, ...).
/// </summary>
internal sealed class FieldSelector
{
    private FieldSelector(IReadOnlyList<FieldRequirement> requirements) => Requirements = requirements;

    public IReadOnlyList<FieldRequirement> Requirements { get; }

    /// <summary>True when every term looks only at metadata.</summary>
    public bool OnMetadata => Requirements.All(r => r.OnMetadata);

    /// <summary>How many objects the selector was asked about (other selectors may have ruled objects out first).</summary>
    public long Evaluated { get; private set; }

    public bool Matches(JsonObject obj)
    {
        Evaluated++;
        // Every term is looked at, so each one learns whether the objects have its field.
        var all = true;
        foreach (var requirement in Requirements)
        {
            all &= requirement.Matches(obj);
        }

        return all;
    }

    /// <exception cref="FormatException">The text is not a valid selector.</exception>
    public static FieldSelector Parse(string text)
    {
        var terms = new List<FieldRequirement>();
        foreach (var term in SplitUnescaped(text, ','))
        {
            var trimmed = term.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            var (path, op, value) = SplitTerm(trimmed);
            if (path.Length == 0 || path.Split('.').Any(s => s.Length == 0))
            {
                throw new FormatException($"'{trimmed}': the field path must be dotted names such as metadata.name or status.phase.");
            }

            terms.Add(new FieldRequirement(path, op != "!=", value));
        }

        return new FieldSelector(terms);
    }

    private static (string Path, string Op, string Value) SplitTerm(string term)
    {
        for (var i = 0; i < term.Length; i++)
        {
            if (term[i] == '\\')
            {
                i++;
                continue;
            }

            foreach (var op in (ReadOnlySpan<string>)["!=", "==", "="])
            {
                if (string.CompareOrdinal(term, i, op, 0, op.Length) == 0)
                {
                    return (Unescape(term[..i].Trim()), op, Unescape(term[(i + op.Length)..].Trim()));
                }
            }
        }

        throw new FormatException($"'{term}': a field selector term is path=value, path==value or path!=value.");
    }

    private static IEnumerable<string> SplitUnescaped(string text, char separator)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == separator)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }

        yield return text[start..];
    }

    private static string Unescape(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }

            result.Append(text[i]);
        }

        return result.ToString();
    }
}
