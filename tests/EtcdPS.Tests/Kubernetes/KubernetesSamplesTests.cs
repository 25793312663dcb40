using System.Text.Json;
using System.Text.Json.Nodes;
using EtcdPS.Engine.Kubernetes;
using EtcdPS.Tests.Infrastructure;

namespace EtcdPS.Tests.Kubernetes;

/// <summary>
/// The API server's own round-trip fixtures (../shared/k8s/samples, when present): every .pb decodes to its .json
/// and encodes back to the same bytes. Without ../shared there is nothing to compare and the cases are empty;
/// <see cref="KubernetesCodecTests"/> covers the codec on objects it builds itself.
/// </summary>
public sealed class KubernetesSamplesTests
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        var shared = RepoPaths.Shared ?? Environment.GetEnvironmentVariable("ETCDPS_SHARED");
        var folder = shared is null ? null : Path.Combine(shared, "k8s", "samples");
        if (folder is not null && Directory.Exists(folder))
        {
            foreach (var pb in Directory.GetFiles(folder, "*.pb").Order(StringComparer.Ordinal))
            {
                data.Add(pb);
            }
        }
        else
        {
            // Keeps the theory from failing for lack of data; the marker case checks nothing else.
            data.Add(string.Empty);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_decodes_to_the_api_servers_json_with_the_same_key_order(string pbPath)
    {
        if (pbPath.Length == 0)
        {
            return;
        }

        var decoded = KubernetesProtobufCodec.Decode(File.ReadAllBytes(pbPath));
        var expected = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(pbPath, ".json")))!;
        DropRemovedPodResourceClaimSource(expected);
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        // Text comparison checks key order too, which DeepEquals does not.
        Assert.Equal(expected.ToJsonString(options), decoded.ToJsonString(options));
    }

    // PodResourceClaim field 2 (source) was removed in v1.31: the fixtures (v1.30) carry it, the table skips it.
    private static void DropRemovedPodResourceClaimSource(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["resourceClaims"] is JsonArray claims)
                {
                    foreach (var claim in claims.OfType<JsonObject>())
                    {
                        claim.Remove("source");
                    }
                }

                foreach (var child in obj.Select(p => p.Value).OfType<JsonNode>().ToList())
                {
                    DropRemovedPodResourceClaimSource(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array.OfType<JsonNode>().ToList())
                {
                    DropRemovedPodResourceClaimSource(child);
                }

                break;
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_json_encodes_to_the_same_bytes(string pbPath)
    {
        if (pbPath.Length == 0)
        {
            return;
        }

        var bytes = File.ReadAllBytes(pbPath);
        var json = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(pbPath, ".json")))!;
        var encoded = KubernetesProtobufCodec.Encode(json);
        // The Pod, Deployment and Job samples carry PodResourceClaim.source, removed from the API since; re-encoding
        // cannot bring back a field the table no longer has, so those compare through a decode of both.
        if (encoded.AsSpan().SequenceEqual(bytes))
        {
            return;
        }

        Assert.Contains(Path.GetFileName(pbPath), new[] { "core.v1.Pod.pb", "apps.v1.Deployment.pb", "batch.v1.Job.pb" });
        Assert.True(JsonNode.DeepEquals(KubernetesProtobufCodec.Decode(bytes), KubernetesProtobufCodec.Decode(encoded)));
        Assert.Equal(encoded, KubernetesProtobufCodec.Encode(KubernetesProtobufCodec.Decode(encoded)));
    }
}
