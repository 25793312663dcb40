using System.Text.Json.Nodes;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Tests.Kubernetes;

/// <summary>
/// Objects of any kind in the field table with every field set to a non-zero value, in the API server's JSON shape
/// (what the decoder gives back), for the round-trip property decode(encode(x)) == x.
/// </summary>
internal static class GeneratedObjects
{
    // Recursive messages (JSONSchemaProps) stop here: deeper pointer, list and map fields stay unset.
    private const int MaxDepth = 4;

    public static JsonObject For(string apiVersion, string kind)
    {
        var message = FieldTable.Default.ForKind(apiVersion, kind) ?? throw new ArgumentException($"{apiVersion}/{kind} is not in the table.");
        var obj = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion };
        Fill(message, obj, 0);
        return obj;
    }

    private static void Fill(MessageDef message, JsonObject target, int depth)
    {
        foreach (var field in message.Fields)
        {
            if (field.Inline)
            {
                if (field.Message is not null)
                {
                    Fill(field.Message, target, depth + 1);
                }

                continue;
            }

            var nested = field.Type == ProtoType.Message || field.MapValue == ProtoType.Message;
            if (nested && depth >= MaxDepth && (field.Pointer || field.Repeated || field.Type == ProtoType.Map))
            {
                // Unset: a nil pointer, slice or map is null in the API server's JSON unless omitempty drops it.
                if (!field.OmitEmpty)
                {
                    target[field.JsonName] = null;
                }

                continue;
            }

            target[field.JsonName] = field.Type switch
            {
                ProtoType.Map => new JsonObject { ["key1"] = Value(field.MapValue, field.Message, field.JsonName, depth) },
                _ when field.Repeated => new JsonArray(Value(field.Type, field.Message, field.JsonName, depth)),
                _ => Value(field.Type, field.Message, field.JsonName, depth),
            };
        }
    }

    private static JsonNode? Value(ProtoType type, MessageDef? message, string name, int depth) => type switch
    {
        ProtoType.String => JsonValue.Create(name + "Value"),
        ProtoType.Bytes => JsonValue.Create(Convert.ToBase64String("bytes"u8)),
        ProtoType.Bool => JsonValue.Create(true),
        ProtoType.Int32 => JsonValue.Create(7),
        ProtoType.Int64 => JsonValue.Create(1234567890123L),
        ProtoType.Double => JsonValue.Create(1.5),
        ProtoType.Message when message is not null => MessageValue(message, name, depth),
        _ => null,
    };

    private static JsonNode? MessageValue(MessageDef message, string name, int depth)
    {
        switch (message.Special)
        {
            case SpecialForm.Time:
                return JsonValue.Create("2024-02-03T04:05:06Z");
            case SpecialForm.MicroTime:
                return JsonValue.Create("2024-02-03T04:05:06.123456Z");
            case SpecialForm.Duration:
                return JsonValue.Create("1h2m3s");
            case SpecialForm.Quantity:
                return JsonValue.Create("250m");
            case SpecialForm.IntOrString:
                return name.Length % 2 == 0 ? JsonValue.Create(8080) : JsonValue.Create("http");
            case SpecialForm.EmbeddedJson:
                return new JsonObject { ["embedded"] = new JsonArray(1, "two") };
            case SpecialForm.GroupVersion:
                return JsonValue.Create("group.example.com/v1");
            case SpecialForm.ArrayWrapper:
                return new JsonArray("a", "b");
            case SpecialForm.SchemaOrArray:
            case SpecialForm.SchemaOrBool:
                return depth >= MaxDepth ? JsonValue.Create(true) is var b && message.Special == SpecialForm.SchemaOrBool ? b : null : Schema(message, depth);
            case SpecialForm.SchemaOrStringArray:
                return new JsonArray("x", "y");
            default:
                var obj = new JsonObject();
                Fill(message, obj, depth + 1);
                return obj;
        }
    }

    private static JsonObject? Schema(MessageDef orMessage, int depth)
    {
        var schema = orMessage.Field(orMessage.Special == SpecialForm.SchemaOrBool ? 2 : 1)?.Message;
        if (schema is null)
        {
            return null;
        }

        var obj = new JsonObject();
        Fill(schema, obj, depth + 1);
        return obj;
    }
}
