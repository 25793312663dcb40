using Etcdserverpb;
using EtcdPS.Engine.Kubernetes;
using Google.Protobuf;

namespace EtcdPS.Tests.Kubernetes;

public sealed class ConvertToEtcdValueTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    private void Put(string key, byte[] value)
    {
        using var raw = new Engine.Connection.EndpointClient(new Uri(etcd.Endpoint), null, TimeSpan.FromSeconds(5));
        raw.KV.Put(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFrom(value) });
    }

    private byte[] Bytes(string script) => (byte[])Assert.Single(_pwsh.Run(script)).BaseObject;

    [Fact]
    public void A_decoded_object_edited_through_its_properties_encodes_with_the_edit()
    {
        var original = KubernetesProtobufCodec.Encode(KubernetesTestObjects.Deployment(3));
        Put("/registry/deployments/shop/web", original);
        _pwsh.Run($"Connect-Etcd -Endpoint {etcd.Endpoint}");
        _pwsh.Run("$o = Get-EtcdKey /registry/deployments/shop/web | ConvertFrom-EtcdValue");
        // Unchanged, it encodes to the stored bytes (resourceVersion filled on read is emptied again).
        Assert.Equal(original, Bytes("ConvertTo-EtcdValue $o"));
        _pwsh.Run("$o.spec.replicas = 5");
        var edited = KubernetesProtobufCodec.Decode(Bytes("$o | ConvertTo-EtcdValue"));
        Assert.Equal(5, (int)edited["spec"]!["replicas"]!);
    }

    [Fact]
    public void Yaml_json_and_hashtables_encode_to_the_same_protobuf()
    {
        var fromJson = Bytes("ConvertTo-EtcdValue '{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"namespace\":\"d\"},\"data\":{\"k\":\"v\"}}'");
        var fromYaml = Bytes("ConvertTo-EtcdValue \"apiVersion: v1`nkind: ConfigMap`nmetadata:`n  name: a`n  namespace: d`ndata:`n  k: v`n\"");
        var fromHashtable = Bytes("@{ apiVersion = 'v1'; kind = 'ConfigMap'; metadata = @{ name = 'a'; namespace = 'd' }; data = @{ k = 'v' } } | ConvertTo-EtcdValue");
        Assert.Equal(fromJson, fromYaml);
        Assert.Equal(fromJson, fromHashtable);
        Assert.True(fromJson.AsSpan().StartsWith("k8s\0"u8));
    }

    [Fact]
    public void Custom_resources_are_json_as_go_writes_them_and_cbor_on_request()
    {
        var json = Bytes("ConvertTo-EtcdValue '{\"kind\":\"Widget\",\"apiVersion\":\"demo.example.com/v1\",\"metadata\":{\"name\":\"w\"},\"spec\":{\"size\":3,\"note\":\"a<b\"}}'");
        Assert.Equal("{\"apiVersion\":\"demo.example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},\"spec\":{\"note\":\"a\\u003cb\",\"size\":3}}\n", System.Text.Encoding.UTF8.GetString(json));
        var cbor = Bytes("ConvertTo-EtcdValue '{\"kind\":\"Widget\",\"apiVersion\":\"demo.example.com/v1\",\"metadata\":{\"name\":\"w\"}}' -Encoding Cbor");
        Assert.Equal("Widget", KubernetesCbor.Decode(cbor)!["kind"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("'{\"kind\": '", "EtcdObjectNotParsable")]
    [InlineData("\"a: [1, 2\"", "EtcdObjectNotParsable")]
    [InlineData("'{\"kind\":\"ConfigMap\"}'", "EtcdObjectIncomplete")]
    [InlineData("'{\"kind\":\"ConfigMapp\",\"apiVersion\":\"v1\"}'", "EtcdUnknownKind")]
    [InlineData("'{\"kind\":\"Deploymnt\",\"apiVersion\":\"apps/v1\"}'", "EtcdUnknownKind")]
    [InlineData("'{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"spec\":{\"replicas\":\"three\"}}'", "EtcdObjectInvalid")]
    [InlineData("'{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"finalizer\":[\"x\"]}}'", "EtcdObjectInvalid")]
    [InlineData("@{ kind = 'ConfigMap'; apiVersion = 'v1'; data = @{ big = 'x' * 2MB } }", "EtcdValueTooLarge")]
    [InlineData("'{\"kind\":\"Widget\",\"apiVersion\":\"demo.example.com/v1\"}' -Encoding Protobuf", "EtcdUnknownKind")]
    public void Bad_input_is_a_clear_error(string input, string errorId)
    {
        var output = _pwsh.Run($"ConvertTo-EtcdValue {input} -ErrorVariable e -ErrorAction SilentlyContinue; $e[0].FullyQualifiedErrorId");
        var id = Assert.Single(output).BaseObject as string;
        Assert.StartsWith(errorId + ",", id, StringComparison.Ordinal);
    }

    [Fact]
    public void The_error_names_the_field_of_the_wrong_type()
    {
        var output = _pwsh.Run("ConvertTo-EtcdValue '{\"kind\":\"Deployment\",\"apiVersion\":\"apps/v1\",\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"a\",\"ports\":[{\"containerPort\":\"80\"}]}]}}}}' -ErrorVariable e -ErrorAction SilentlyContinue; $e[0].Exception.Message");
        Assert.Contains("spec.template.spec.containers[0].ports[0].containerPort: expected an integer", (string)Assert.Single(output).BaseObject, StringComparison.Ordinal);
    }
}
