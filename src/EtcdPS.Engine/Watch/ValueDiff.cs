using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Engine.Watch;

/// <summary>What changed in a value: the lines to show, and the field changes when both sides were structured.</summary>
internal sealed record ValueChanges(string[] Lines, EtcdFieldChange[]? Changes)
{
    public static readonly ValueChanges None = new([], []);
}

/// <summary>
/// What changed between two versions of a value. Kubernetes objects (protobuf, JSON, CBOR, or encrypted values
/// with the keys to open them) and other JSON objects get the field-level diff of <see cref="ObjectDiff"/>
/// (<c>spec.replicas: 3 → 5</c>); text gets a line diff ("- line" / "+ line", longest common subsequence);
/// values that cannot be read (binary, still encrypted) are summarized by size.
/// </summary>
internal static class ValueDiff
{
    private const int MaxLines = 2000;

    /// <summary>The diff of the oldest version kept at the compaction horizon when it is not the first of its life.</summary>
    public const string CompactedPredecessor = "(the version before was compacted)";
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The diff lines of one history version against the one before it (null for a deletion).</summary>
    public static string[]? Between(EtcdKeyVersion? older, EtcdKeyVersion newer, DiffOptions? options = null)
    {
        if (newer.Type == EtcdWatchEventType.Delete)
        {
            return null;
        }

        // A new life of the key starts from nothing.
        var previous = older is { Type: EtcdWatchEventType.Put } && older.CreateRevision == newer.CreateRevision ? older : null;
        if (previous is null && newer.Version > 1)
        {
            // Not the first version of its life: the one before it was compacted, so there is nothing to compare with.
            newer.Changes = null;
            return [CompactedPredecessor];
        }

        var changes = Compare(previous?.RawValue, newer.RawValue, newer.Key, options ?? DiffOptions.Default);
        newer.Changes = changes.Changes;
        return changes.Lines;
    }

    /// <summary>
    /// Sets Diff (and Changes) on a history listed newest first: each version against the next older one of the
    /// same life of the key. Pure formatting on what the history reader found.
    /// </summary>
    public static async IAsyncEnumerable<EtcdKeyVersion> AttachAsync(IAsyncEnumerable<EtcdKeyVersion> newestFirst, DiffOptions options,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        EtcdKeyVersion? pending = null;
        await foreach (var version in newestFirst.WithCancellation(cancellation).ConfigureAwait(false))
        {
            if (pending is not null)
            {
                pending.Diff = TextList.Lines(Between(version, pending, options));
                MaskSecret(pending, options);
                yield return pending;
            }

            pending = version;
        }

        if (pending is not null)
        {
            pending.Diff = TextList.Lines(Between(null, pending, options));
            MaskSecret(pending, options);
            yield return pending;
        }
    }

    /// <summary>A Secret's version shown with a masked diff keeps no clear value (ConvertTo-Json, Format-List).</summary>
    private static void MaskSecret(EtcdKeyVersion version, DiffOptions options)
    {
        if (!options.ShowSecret && version.Resource == "secrets")
        {
            version.DropClearValues();
        }
    }

    /// <summary>
    /// The changes from <paramref name="older"/> to <paramref name="newer"/> (null or empty: the value did not exist).
    /// </summary>
    public static ValueChanges Compare(byte[]? older, byte[]? newer, string key, DiffOptions options)
    {
        older ??= [];
        newer ??= [];
        if (older.Length == 0 && newer.Length == 0)
        {
            return ValueChanges.None;
        }

        if (!options.Raw)
        {
            var a = Structured(older, key, options, out var aName);
            var b = Structured(newer, key, options, out var bName);
            if ((a is not null || older.Length == 0) && (b is not null || newer.Length == 0))
            {
                List<EtcdFieldChange> changes = a is null
                    ? [new EtcdFieldChange { Change = EtcdFieldChangeType.Added, NewValue = bName }]
                    : b is null
                        ? [new EtcdFieldChange { Change = EtcdFieldChangeType.Removed, OldValue = aName }]
                        : ObjectDiff.Compare(a, b, options);
                return new ValueChanges(changes.Select(c => c.ToString()).ToArray(), [.. changes]);
            }
        }

        return new ValueChanges(TextOrSize(older, newer), null);
    }

    /// <summary>The value as a JSON tree when it is a Kubernetes object or a JSON object, else null.</summary>
    private static JsonNode? Structured(byte[] raw, string key, DiffOptions options, out string name)
    {
        name = string.Empty;
        if (raw.Length == 0)
        {
            return null;
        }

        var kind = ValueKinds.Detect(raw, System.Text.Unicode.Utf8.IsValid(raw));
        if (kind is ValueKind.Text or ValueKind.Binary or ValueKind.Empty)
        {
            return null;
        }

        try
        {
            // Decoded with the data shown: ObjectDiff masks Secret data itself, so a changed secret still shows as changed.
            var decoded = KubernetesValueDecoder.Decode(raw, 0, new DecodeOptions { ShowSecret = true, EncryptionKeys = options.EncryptionKeys }, key);
            name = decoded.ToString();
            return decoded.ToJsonNode();
        }
        catch (EtcdException)
        {
            if (kind != ValueKind.Json)
            {
                return null;
            }
        }

        try
        {
            var node = JsonNode.Parse(raw);
            name = "JSON object";
            return node as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string[] TextOrSize(byte[] older, byte[] newer)
    {
        var oldText = ValueKinds.ToText(older, out var oldKind);
        var newText = ValueKinds.ToText(newer, out var newKind);
        if ((older.Length > 0 && oldText is null) || (newer.Length > 0 && newText is null))
        {
            return older.Length == 0
                ? [$"+ ({newKind}, {newer.Length} bytes)"]
                : newer.Length == 0
                    ? [$"- ({oldKind}, {older.Length} bytes)"]
                    : older.AsSpan().SequenceEqual(newer)
                        ? []
                        : [$"- ({oldKind}, {older.Length} bytes)", $"+ ({newKind}, {newer.Length} bytes)"];
        }

        var oldLines = Lines(oldText, oldKind);
        var newLines = Lines(newText, newKind);
        if (oldLines.Length > MaxLines || newLines.Length > MaxLines)
        {
            return [$"- ({oldLines.Length} lines)", $"+ ({newLines.Length} lines)"];
        }

        return Lines(oldLines, newLines);
    }

    private static string[] Lines(string? value, ValueKind kind)
    {
        var text = value ?? string.Empty;
        if (kind == ValueKind.Json)
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
