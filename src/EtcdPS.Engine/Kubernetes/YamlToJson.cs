using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>YAML (kubectl get -o yaml) to JSON, with the YAML 1.2 core schema for plain scalars, as sigs.k8s.io/yaml reads it.</summary>
internal static class YamlToJson
{
    /// <exception cref="EtcdException">EtcdObjectNotParsable.</exception>
    public static JsonNode? Parse(string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new EtcdException(EtcdErrorIds.ObjectNotParsable, EtcdErrorCategory.InvalidArgument,
                $"The text is neither JSON nor valid YAML (line {ex.Start.Line}, column {ex.Start.Column}): {ex.Message}", null,
                "Give a Kubernetes object as JSON or YAML text (kubectl get -o json / -o yaml).", ex);
        }

        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode, 0);
    }

    private static JsonNode? Convert(YamlNode node, int depth)
    {
        if (depth > KubernetesProtobufCodec.MaxDepth)
        {
            throw new EtcdException(EtcdErrorIds.ObjectNotParsable, EtcdErrorCategory.InvalidArgument,
                $"The YAML nests more than {KubernetesProtobufCodec.MaxDepth} levels deep.");
        }

        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    obj[((YamlScalarNode)key).Value ?? string.Empty] = Convert(value, depth + 1);
                }

                return obj;
            case YamlSequenceNode list:
                var array = new JsonArray();
                foreach (var item in list.Children)
                {
                    array.Add(Convert(item, depth + 1));
                }

                return array;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
        {
            return JsonValue.Create(whole);
        }

        if ((value[0] is '-' or '+' or '.' || char.IsAsciiDigit(value[0]))
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonNode.Parse(real.ToString("R", CultureInfo.InvariantCulture));
        }

        return JsonValue.Create(value);
    }
}
