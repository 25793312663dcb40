using System.Management.Automation;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EtcdPS.Commands.Kubernetes;

/// <summary>Turns decoded objects into PowerShell objects (nested PSObjects) and YAML.</summary>
internal static class KubernetesPSObjects
{
    /// <summary>
    /// The object with its top-level fields (metadata, spec, status, data, ...) as properties holding nested
    /// PSObjects, so <c>$o.spec.replicas</c> and <c>$o.metadata.labels.app</c> work.
    /// </summary>
    public static PSObject Wrap(KubernetesObject obj) => Wrap(obj, out _);

    /// <summary>As <see cref="Wrap(KubernetesObject)"/>; <paramref name="fields"/> are the properties added.</summary>
    public static PSObject Wrap(KubernetesObject obj, out IReadOnlyList<PSNoteProperty> fields)
    {
        var result = PSObject.AsPSObject(obj);
        if (obj.Content is not JsonObject content)
        {
            fields = [];
            return result;
        }

        var added = new List<PSNoteProperty>(content.Count);
        foreach (var (name, value) in content)
        {
            // kind and apiVersion are already properties of KubernetesObject.
            if (!s_objectProperties.Contains(name))
            {
                var field = new PSNoteProperty(name, ToPS(value));
                result.Properties.Add(field, preValidated: true);
                added.Add(field);
            }
        }

        fields = added;
        return result;
    }

    /// <summary>
    /// Adds fields to another PSObject (an EtcdKeyValue decoded by Get-EtcdKey -Decode), except those whose names
    /// the target's type already has.
    /// </summary>
    public static void AddFields(IReadOnlyList<PSNoteProperty> fields, PSObject to, IReadOnlySet<string> reserved)
    {
        foreach (var field in fields)
        {
            if (!reserved.Contains(field.Name))
            {
                to.Properties.Add(new PSNoteProperty(field.Name, field.Value), preValidated: true);
            }
        }
    }

    /// <summary>The public property names of a type, case-insensitive as PowerShell matches them.</summary>
    public static IReadOnlySet<string> PropertyNames(Type type) =>
        type.GetProperties().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

    // Checked by name instead of through PSObject.Properties: a lookup there goes through the adapter and the type
    // table for every field of every object, which cost more than building the object (Get-EtcdKey -Decode).
    private static readonly IReadOnlySet<string> s_objectProperties = PropertyNames(typeof(KubernetesObject));

    /// <summary>The object as <c>kubectl get -o yaml</c> prints it.</summary>
    public static string ToYaml(KubernetesObject obj) =>
        Engine.Kubernetes.KubectlYaml.Write(obj.Content ?? JsonNode.Parse(EncryptedJson(obj)));

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
                // JSON keys are unique, but PowerShell names ignore case: labels "App" and "app" would clash, so
                // the second one gets a suffix ("app#2") instead of being lost. PowerShell need not check again.
                var names = o.Count > 1 ? new HashSet<string>(o.Count, StringComparer.OrdinalIgnoreCase) : null;
                foreach (var (name, value) in o)
                {
                    var unique = name;
                    for (var n = 2; names is not null && !names.Add(unique); n++)
                    {
                        unique = $"{name}#{n}";
                    }

                    ps.Properties.Add(new PSNoteProperty(unique, ToPS(value)), preValidated: true);
                }

                // Each object needs its own member: PowerShell binds a code method to the object it is added to.
                ps.Methods.Add((PSMethodInfo)KubernetesFieldText.ToStringMethod.Copy(), preValidated: true);

                return ps;
            case JsonArray a:
                return a.Select(ToPS).ToArray();
            default:
                return Scalar((JsonValue)node);
        }
    }

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
