using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Watch;

/// <summary>
/// What changed between two versions of a value, as "- line" / "+ line" lines: a line diff (longest common
/// subsequence) of the text, with JSON pretty-printed first so that one changed field is one changed line.
/// Binary values (Kubernetes protobuf, encrypted, CBOR) are summarized by size.
/// </summary>
internal static class ValueDiff
{
    private const int MaxLines = 2000;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string[]? Between(EtcdKeyVersion? older, EtcdKeyVersion newer)
    {
        if (newer.Type == EtcdWatchEventType.Delete)
        {
            return null;
        }

        // A new life of the key starts from nothing.
        var previous = older is { Type: EtcdWatchEventType.Put } && older.CreateRevision == newer.CreateRevision ? older : null;
        if (newer.Value is null || (previous is not null && previous.Value is null))
        {
            return previous is null
                ? [$"+ ({newer.ValueKind}, {newer.Size} bytes)"]
                : previous.RawValue.AsSpan().SequenceEqual(newer.RawValue)
                    ? []
                    : [$"- ({previous.ValueKind}, {previous.Size} bytes)", $"+ ({newer.ValueKind}, {newer.Size} bytes)"];
        }

        var oldLines = previous is null ? [] : Lines(previous);
        var newLines = Lines(newer);
        if (oldLines.Length > MaxLines || newLines.Length > MaxLines)
        {
            return [$"- ({oldLines.Length} lines)", $"+ ({newLines.Length} lines)"];
        }

        return Lines(oldLines, newLines);
    }

    private static string[] Lines(EtcdKeyVersion version)
    {
        var text = version.Value ?? string.Empty;
        if (version.ValueKind == ValueKind.Json)
        {
            try
            {
                text = JsonNode.Parse(text)?.ToJsonString(Indented) ?? text;
            }
            catch (JsonException)
            {
                // Looked like JSON but is not: diff it as text.
            }
        }

        return text.Length == 0 ? [] : text.ReplaceLineEndings("\n").Split('\n');
    }

    private static string[] Lines(string[] a, string[] b)
    {
        // lcs[i, j] = length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var result = new List<string>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                result.Add("- " + a[x++]);
            }
            else
            {
                result.Add("+ " + b[y++]);
            }
        }

        return [.. result];
    }
}
