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
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        // Text comparison checks key order too, which DeepEquals does not.
        Assert.Equal(expected.ToJsonString(options), decoded.ToJsonString(options));
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
        // The samples are the v1.30.0 API server's: encoded as 1.30 writes (without the non-pointer fields added
        // since). PodResourceClaim.source (field 2, removed in v1.31) is in the Pod, Deployment and Job samples: the
        // table keeps removed fields, so these too come back byte for byte.
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(KubernetesProtobufCodec.Encode(json, 30)));
        Assert.Equal(Convert.ToHexString(bytes), Convert.ToHexString(KubernetesProtobufCodec.Encode(KubernetesProtobufCodec.Decode(bytes), 30)));
    }
}
