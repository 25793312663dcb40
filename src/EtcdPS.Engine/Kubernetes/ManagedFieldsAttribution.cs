using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>
/// Which field manager made a write, from the object's <c>metadata.managedFields</c> before and after it: the API
/// server stamps the entry (manager, operation, subresource) of the client that changed fields with the time of the
/// change, so the entry that is new or whose time or fields changed names the writer. Only metadata is decoded.
/// </summary>
internal static class ManagedFieldsAttribution
{
    public const string Deleted = "(deleted)";
    public const string Unknown = "(unknown)";
    public const string NotAnObject = "(not an object)";

    /// <summary>The manager of the write that turned <paramref name="before"/> into <paramref name="after"/> (null before a create).</summary>
    public static (string Manager, string Operation) Attribute(byte[]? before, byte[] after)
    {
        var now = Entries(after);
        if (now is null)
        {
            return (NotAnObject, string.Empty);
        }

        if (before is null)
        {
            // A create: the client that created the object owns the main resource (no subresource); status writers
            // such as the kubelet come later.
            var creator = now.OrderBy(e => e.Key.Subresource.Length > 0).ThenBy(e => e.Value.Time, StringComparer.Ordinal).FirstOrDefault();
            return now.Count == 0 ? (Unknown, string.Empty) : (creator.Key.Manager, creator.Key.Operation);
        }

        var then = Entries(before) ?? [];
        var changed = now.Where(e => !then.TryGetValue(e.Key, out var old) || old != e.Value).ToList();
        if (changed.Count == 0)
        {
            return (Unknown, string.Empty);
        }

        // When a manager takes a field over, the previous owner's entry changes too (it loses the field) but keeps
        // its time: the writer is the entry whose time moved, the latest first.
        var latest = changed
            .OrderBy(e => then.TryGetValue(e.Key, out var old) && old.Time != e.Value.Time || !then.ContainsKey(e.Key))
            .ThenBy(e => e.Value.Time, StringComparer.Ordinal)
            .Last();
        return (latest.Key.Manager, latest.Key.Operation);
    }

    private static Dictionary<(string Manager, string Operation, string Subresource), (string Time, string Fields)>? Entries(byte[] value)
    {
        JsonNode? metadata;
        try
        {
            metadata = value.AsSpan().StartsWith(KubernetesProtobufCodec.Magic)
                ? KubernetesProtobufCodec.DecodeMetadata(value)["metadata"]
                : value.Length > 0 && value[0] == (byte)'{' ? JsonNode.Parse(value)?["metadata"] : null;
        }
        catch (Exception ex) when (ex is ProtoFormatException or JsonException)
        {
            return null;
        }

        if (metadata is not JsonObject meta)
        {
            return null;
        }

        var entries = new Dictionary<(string, string, string), (string, string)>();
        foreach (var entry in (meta["managedFields"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var key = (Text(entry["manager"]), Text(entry["operation"]), Text(entry["subresource"]));
            entries[key] = (Text(entry["time"]), entry["fieldsV1"]?.ToJsonString() ?? string.Empty);
        }

        return entries;
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;
}
