using System.Text.Json.Nodes;
using EtcdPS.Engine.Kubernetes;
using Xunit.Abstractions;

namespace EtcdPS.Tests.Kubernetes;

/// <summary>Round-trip properties over every kind in the field table, on objects with every field set.</summary>
public sealed class KubernetesPropertyTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_kind_in_the_table_decodes_back_to_the_object_it_was_encoded_from()
    {
        var failures = new List<string>();
        var kinds = FieldTable.Default.Kinds.OrderBy(k => k.ApiVersion, StringComparer.Ordinal).ThenBy(k => k.Kind, StringComparer.Ordinal).ToList();
        foreach (var (apiVersion, kind) in kinds)
        {
            var x = GeneratedObjects.For(apiVersion, kind);
            try
            {
                var bytes = KubernetesProtobufCodec.Encode(x);
                var decoded = KubernetesProtobufCodec.Decode(bytes);
                if (!JsonNode.DeepEquals(x, decoded))
                {
                    failures.Add($"{apiVersion}/{kind}: {FirstDifference(x, decoded, string.Empty)}");
                }
                else if (!KubernetesProtobufCodec.Encode(decoded).AsSpan().SequenceEqual(bytes))
                {
                    failures.Add($"{apiVersion}/{kind}: encode(decode(b)) != b");
                }
            }
            catch (ArgumentException ex)
            {
                failures.Add($"{apiVersion}/{kind}: {ex.Message}");
            }
        }

        output.WriteLine($"{kinds.Count} kinds");
        Assert.True(kinds.Count >= 200);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string FirstDifference(JsonNode? a, JsonNode? b, string path)
    {
        if (a is JsonObject oa && b is JsonObject ob)
        {
            foreach (var key in oa.Select(p => p.Key).Union(ob.Select(p => p.Key)))
            {
                if (!oa.ContainsKey(key) || !ob.ContainsKey(key))
                {
                    return $"{path}.{key} only in {(oa.ContainsKey(key) ? "the generated object" : "the decoded one")}";
                }

                if (!JsonNode.DeepEquals(oa[key], ob[key]))
                {
                    return FirstDifference(oa[key], ob[key], path + "." + key);
                }
            }
        }

        if (a is JsonArray aa && b is JsonArray ab && aa.Count == ab.Count)
        {
            for (var i = 0; i < aa.Count; i++)
            {
                if (!JsonNode.DeepEquals(aa[i], ab[i]))
                {
                    return FirstDifference(aa[i], ab[i], $"{path}[{i}]");
                }
            }
        }

        return $"{path}: {a?.ToJsonString()} != {b?.ToJsonString()}";
    }
}
