using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace EtcdPS.Commands.Kubernetes;

/// <summary>Turns decoded objects into PowerShell objects (nested PSObjects) and YAML.</summary>
internal static class KubernetesPSObjects
{
    private static readonly ISerializer s_yaml = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .Build();

    /// <summary>
    /// The object with its top-level fields (metadata, spec, status, data, ...) as properties holding nested
    /// PSObjects, so <c>$o.spec.replicas</c> and <c>$o.metadata.labels.app</c> work.
    /// </summary>
    public static PSObject Wrap(KubernetesObject obj)
    {
        var result = PSObject.AsPSObject(obj);
        if (obj.Content is not JsonObject content)
        {
            return result;
        }

        foreach (var (name, value) in content)
        {
            // kind and apiVersion are already properties of KubernetesObject.
            if (result.Properties[name] is null)
            {
                result.Properties.Add(new PSNoteProperty(name, ToPS(value)));
            }
        }

        return result;
    }

    public static string ToYaml(KubernetesObject obj) =>
        s_yaml.Serialize(ToPlain(obj.Content ?? JsonNode.Parse(EncryptedJson(obj))));

    public static string EncryptedJson(KubernetesObject obj) => new JsonObject
    {
        ["encrypted"] = true,
        ["provider"] = obj.Provider,
        ["keyName"] = obj.KeyName,
        ["key"] = obj.Key,
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    private static object? ToPS(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject o:
                var ps = new PSObject();
                foreach (var (name, value) in o)
                {
                    ps.Properties.Add(new PSNoteProperty(name, ToPS(value)));
                }

                return ps;
            case JsonArray a:
                return a.Select(ToPS).ToArray();
            default:
                return Scalar((JsonValue)node);
        }
    }

    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray a => a.Select(ToPlain).ToList(),
        _ => Scalar((JsonValue)node),
    };

    private static object? Scalar(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return value.GetValue<string>();
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Number:
                if (value.TryGetValue<int>(out var i)) { return i; }
                if (value.TryGetValue<long>(out var l)) { return l; }
                if (value.TryGetValue<JsonElement>(out var e))
                {
                    if (e.TryGetInt32(out var ei)) { return ei; }
                    if (e.TryGetInt64(out var el)) { return el; }
                    return e.GetDouble();
                }

                if (value.TryGetValue<ulong>(out var u)) { return u; }
                if (value.TryGetValue<uint>(out var ui)) { return ui; }
                return value.GetValue<double>();
            default:
                return null;
        }
    }
}
