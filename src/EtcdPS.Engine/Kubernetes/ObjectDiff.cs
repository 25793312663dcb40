using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>What a field-level diff leaves out and masks.</summary>
internal sealed record DiffOptions
{
    /// <summary>Fields every write changes, which a reviewer skips: ignored unless asked for.</summary>
    public static readonly IReadOnlyList<string> DefaultIgnoredFields = ["metadata.resourceVersion", "metadata.managedFields", "metadata.generation"];

    public static readonly DiffOptions Default = new();

    /// <summary>JSON paths left out of the diff (with everything below them); <c>*</c> matches any characters.</summary>
    public IReadOnlyList<string> IgnoreFields { get; init; } = DefaultIgnoredFields;

    /// <summary>Show Secret data in the changes instead of a mask.</summary>
    public bool ShowSecret { get; init; }

    /// <summary>Keys to decrypt values encrypted at rest; null leaves them encrypted (compared by bytes).</summary>
    public EncryptionKeys? EncryptionKeys { get; init; }

    /// <summary>Do not decode: a line diff of the text (the diff of old).</summary>
    public bool Raw { get; init; }

    /// <summary>The default ignored fields plus <paramref name="extra"/>.</summary>
    public static DiffOptions From(IEnumerable<string>? extra, bool showSecret, EncryptionKeys? keys = null, bool raw = false) => new()
    {
        IgnoreFields = [.. DefaultIgnoredFields, .. extra ?? []],
        ShowSecret = showSecret,
        EncryptionKeys = keys,
        Raw = raw,
    };

    private Regex? _ignored;

    /// <summary>True when <paramref name="path"/> is one of <see cref="IgnoreFields"/> or lies below one.</summary>
    public bool IsIgnored(string path)
    {
        if (IgnoreFields.Count == 0)
        {
            return false;
        }

        _ignored ??= new Regex(
            "^(?:" + string.Join("|", IgnoreFields.Select(f => Regex.Escape(f.Trim()).Replace("\\*", ".*", StringComparison.Ordinal))) + @")(?:$|[.\[])",
            RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return _ignored.IsMatch(path);
    }
}

/// <summary>
/// The field-level diff of two JSON objects (two versions of a Kubernetes object): a list of changes by JSON path,
/// objects compared field by field, lists whose items Kubernetes merges by a key (containers, env, volumes by
/// <c>name</c>; conditions by <c>type</c>; volumeMounts by <c>mountPath</c>; ports by port) matched by that key,
/// other lists of objects by position, lists of plain values as a whole. Secret data is masked unless asked for.
/// This is the one diff behind Get-EtcdKeyHistory -Diff, Compare-EtcdRevision -Diff, Compare-EtcdKeyspace -Decode
/// and Watch-EtcdPrefix -Diff.
/// </summary>
internal static class ObjectDiff
{
    private static readonly JsonSerializerOptions s_compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly Regex s_plainName = new("^[A-Za-z_$][A-Za-z0-9_$-]*$", RegexOptions.CultureInvariant);
    private const string LastApplied = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>The changes from <paramref name="older"/> to <paramref name="newer"/>, in the order of the fields.</summary>
    public static List<EtcdFieldChange> Compare(JsonNode? older, JsonNode? newer, DiffOptions options)
    {
        var changes = new List<EtcdFieldChange>();
        Walk(older, newer, string.Empty, null, options, changes);
        if (!options.ShowSecret && (IsSecret(older) || IsSecret(newer)))
        {
            for (var i = 0; i < changes.Count; i++)
            {
                if (IsSecretData(changes[i].Path))
                {
                    changes[i] = Masked(changes[i]);
                }
            }
        }

        return changes;
    }

    /// <summary>A value as a diff shows it: strings as they are, everything else as compact JSON.</summary>
    public static string? Render(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(s_compact),
    };

    private static void Walk(JsonNode? a, JsonNode? b, string path, string? field, DiffOptions options, List<EtcdFieldChange> into)
    {
        if (path.Length > 0 && options.IsIgnored(path))
        {
            return;
        }

        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var (name, value) in oa)
            {
                Walk(value, ob.TryGetPropertyValue(name, out var other) ? other : null, Join(path, name), name, options, into);
            }

            foreach (var (name, value) in ob)
            {
                if (!oa.ContainsKey(name))
                {
                    Walk(null, value, Join(path, name), name, options, into);
                }
            }

            return;
        }

        if (a is JsonArray la && b is JsonArray lb)
        {
            WalkList(la, lb, path, field, options, into);
            return;
        }

        if (a is null && b is null)
        {
            return;
        }

        if (a is null)
        {
            into.Add(new EtcdFieldChange { Path = path, Change = EtcdFieldChangeType.Added, NewValue = Render(b) });
        }
        else if (b is null)
        {
            into.Add(new EtcdFieldChange { Path = path, Change = EtcdFieldChangeType.Removed, OldValue = Render(a) });
        }
        else if (!JsonNode.DeepEquals(a, b))
        {
            into.Add(new EtcdFieldChange { Path = path, Change = EtcdFieldChangeType.Changed, OldValue = Render(a), NewValue = Render(b) });
        }
    }

    private static void WalkList(JsonArray a, JsonArray b, string path, string? field, DiffOptions options, List<EtcdFieldChange> into)
    {
        if (MergeKey(a, b, field) is { } key)
        {
            var newer = b.ToDictionary(item => Render(item![key])!, StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in a)
            {
                var id = Render(item![key])!;
                seen.Add(id);
                Walk(item, newer.GetValueOrDefault(id), $"{path}[{id}]", null, options, into);
            }

            foreach (var item in b)
            {
                var id = Render(item![key])!;
                if (!seen.Contains(id))
                {
                    Walk(null, item, $"{path}[{id}]", null, options, into);
                }
            }

            return;
        }

        if (a.Concat(b).All(item => item is JsonValue or null))
        {
            // A list of plain values (args, finalizers) reads best whole.
            if (!JsonNode.DeepEquals(a, b))
            {
                into.Add(new EtcdFieldChange { Path = path, Change = EtcdFieldChangeType.Changed, OldValue = Render(a), NewValue = Render(b) });
            }

            return;
        }

        for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            Walk(i < a.Count ? a[i] : null, i < b.Count ? b[i] : null, $"{path}[{i}]", null, options, into);
        }
    }

    /// <summary>The key Kubernetes merges this list's items by, when every item of both versions has a distinct one.</summary>
    private static string? MergeKey(JsonArray a, JsonArray b, string? field)
    {
        string[] candidates = field switch
        {
            "conditions" => ["type"],
            "volumeMounts" or "volumeDevices" => ["mountPath", "devicePath"],
            "ports" => ["containerPort", "port", "name"],
            _ => ["name"],
        };
        foreach (var key in candidates)
        {
            if (HasDistinct(a, key) && HasDistinct(b, key))
            {
                return key;
            }
        }

        return null;
    }

    private static bool HasDistinct(JsonArray list, string key)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            if (item is not JsonObject o || o[key] is not JsonValue v || !seen.Add(Render(v)!))
            {
                return false;
            }
        }

        return true;
    }

    private static string Join(string path, string name)
    {
        var segment = s_plainName.IsMatch(name) ? name : $"['{name.Replace("'", "''", StringComparison.Ordinal)}']";
        return path.Length == 0 ? segment : segment[0] == '[' ? path + segment : path + "." + segment;
    }

    private static bool IsSecret(JsonNode? node) =>
        node is JsonObject o && Render(o["kind"]) == "Secret" && Render(o["apiVersion"]) == "v1";

    private static bool IsSecretData(string path) =>
        path.Length == 0
        || path.StartsWith("data", StringComparison.Ordinal) || path.StartsWith("stringData", StringComparison.Ordinal)
        || path.StartsWith($"metadata.annotations['{LastApplied}']", StringComparison.Ordinal)
        || path is "metadata.annotations";

    private static EtcdFieldChange Masked(EtcdFieldChange change) => change.Path.Length == 0 ? change : new EtcdFieldChange
    {
        Path = change.Path,
        Change = change.Change,
        OldValue = change.OldValue is null ? null : KubernetesValueDecoder.Mask,
        NewValue = change.NewValue is null ? null : KubernetesValueDecoder.Mask,
    };
}
