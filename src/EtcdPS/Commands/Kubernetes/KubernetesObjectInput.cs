using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Commands.Kubernetes;

/// <summary>
/// Turns what a user gives (a decoded KubernetesObject, edited through its properties; a hashtable; JSON or YAML
/// text) into the object's JSON, for encoding.
/// </summary>
internal static partial class KubernetesObjectInput
{
    /// <exception cref="EtcdException">EtcdObjectNotParsable, EtcdSecretMasked, EtcdValueNotDecodable (still encrypted).</exception>
    public static JsonObject ToJson(object input)
    {
        var ps = input as PSObject;
        var baseObject = ps?.BaseObject ?? input;
        switch (baseObject)
        {
            case KubernetesObject k:
                return FromKubernetesObject(k, ps);
            case string text:
                return KubernetesValueEncoder.Parse(text);
            case IDictionary dictionary:
                return (JsonObject)ToNode(dictionary, 0)!;
            case PSCustomObject when ps is not null:
                return (JsonObject)ToNode(ps, 0)!;
            default:
                throw new EtcdException(EtcdErrorIds.ObjectNotParsable, EtcdErrorCategory.InvalidArgument,
                    $"A {baseObject.GetType().Name} is not a Kubernetes object.", null,
                    "Give a KubernetesObject (ConvertFrom-EtcdValue, Get-EtcdKey -Decode), a hashtable, or JSON/YAML text.");
        }
    }

    private static JsonObject FromKubernetesObject(KubernetesObject k, PSObject? ps)
    {
        if (k.ToJsonNode() is not JsonObject content)
        {
            throw new EtcdException(EtcdErrorIds.ValueNotDecodable, EtcdErrorCategory.InvalidData,
                $"{k.Key}: the object is still encrypted ({k.Provider}, key {k.KeyName}); there is nothing to encode.", k.Key,
                "Read it with -EncryptionConfig so it is decrypted first.");
        }

        var result = new JsonObject { ["kind"] = k.Kind, ["apiVersion"] = k.ApiVersion };
        if (ps is null)
        {
            foreach (var (name, value) in content)
            {
                if (name is not ("kind" or "apiVersion"))
                {
                    result[name] = value?.DeepClone();
                }
            }
        }
        else
        {
            // The note properties hold the user's edits ($o.metadata.finalizers = @()).
            foreach (var property in ps.Properties.Where(p => p.MemberType == PSMemberTypes.NoteProperty))
            {
                result[OriginalName(property.Name)] = ToNode(property.Value, 1);
            }
        }

        if (k.SecretMasked && result["data"] is JsonObject data && data.Any(p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) && s == KubernetesValueDecoder.Mask))
        {
            throw new EtcdException(EtcdErrorIds.SecretMasked, EtcdErrorCategory.InvalidData,
                $"{k.Key}: the Secret's data is masked ({KubernetesValueDecoder.Mask}); writing it would replace the secret values with the mask. Nothing was written.",
                k.Key, "Read the Secret with -ShowSecret before editing it.");
        }

        return result;
    }

    // Names that differ only in case got "#2" suffixes when decoded (labels "App" and "app"): give the JSON name back.
    private static string OriginalName(string name) => SuffixPattern().Replace(name, string.Empty);

    [GeneratedRegex("#[0-9]+$")]
    private static partial Regex SuffixPattern();

    private static JsonNode? ToNode(object? value, int depth)
    {
        if (depth > KubernetesProtobufCodec.MaxDepth)
        {
            throw new EtcdException(EtcdErrorIds.ObjectNotParsable, EtcdErrorCategory.InvalidArgument, "The object nests too deeply (or refers to itself).");
        }

        if (value is PSObject wrapped)
        {
            if (wrapped.BaseObject is PSCustomObject)
            {
                var obj = new JsonObject();
                foreach (var property in wrapped.Properties)
                {
                    obj[OriginalName(property.Name)] = ToNode(property.Value, depth + 1);
                }

                return obj;
            }

            value = wrapped.BaseObject;
        }

        switch (value)
        {
            case null:
                return null;
            case string s:
                return JsonValue.Create(s);
            case bool b:
                return JsonValue.Create(b);
            case int or long or short or byte or sbyte or uint or ushort:
                return JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case ulong u:
                return JsonValue.Create(u);
            case double or float or decimal:
                var d = Convert.ToDecimal(value, CultureInfo.InvariantCulture);
                return d == decimal.Truncate(d) && Math.Abs(d) < long.MaxValue ? JsonValue.Create((long)d) : JsonValue.Create(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case DateTime time:
                return JsonValue.Create(time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            case DateTimeOffset offset:
                return JsonValue.Create(offset.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            case byte[] bytes:
                return JsonValue.Create(Convert.ToBase64String(bytes));
            case IDictionary dictionary:
                var map = new JsonObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    map[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = ToNode(entry.Value, depth + 1);
                }

                return map;
            case IEnumerable list:
                var array = new JsonArray();
                foreach (var item in list)
                {
                    array.Add(ToNode(item, depth + 1));
                }

                return array;
            default:
                return JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture));
        }
    }
}
