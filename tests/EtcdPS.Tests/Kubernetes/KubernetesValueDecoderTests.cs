using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Tests.Kubernetes;

public sealed class KubernetesValueDecoderTests
{
    private static readonly byte[] s_cbcKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] s_gcmKey = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();

    internal static string EncryptionConfigYaml => $"""
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources: [secrets, configmaps]
            providers:
              - aescbc:
                  keys:
                    - name: key1
                      secret: {Convert.ToBase64String(s_cbcKey)}
              - aesgcm:
                  keys:
                    - name: gcm1
                      secret: {Convert.ToBase64String(s_gcmKey)}
              - identity: {"{}"}
        """;

    [Fact]
    public void Protobuf_value_gives_kind_name_summary_and_the_resource_version_from_mod_revision()
    {
        var value = KubernetesProtobufCodec.Encode(KubernetesTestObjects.Deployment(4));
        var obj = KubernetesValueDecoder.Decode(value, 1234, DecodeOptions.Default, "/registry/deployments/shop/web");
        Assert.Equal(("Deployment", "apps/v1", "shop", "web"), (obj.Kind, obj.ApiVersion, obj.Namespace, obj.Name));
        Assert.Equal(ValueKind.KubernetesProtobuf, obj.Encoding);
        Assert.Equal("3/4 ready", obj.Summary);
        var metadata = obj.ToJsonNode()!["metadata"]!.AsObject();
        Assert.Equal("1234", metadata["resourceVersion"]!.GetValue<string>());
        // resourceVersion sits where ObjectMeta declares it: after namespace, before generation.
        Assert.Equal(["name", "namespace", "resourceVersion", "generation", "creationTimestamp", "labels"], metadata.Select(p => p.Key).ToArray());
        Assert.Equal("Deployment shop/web", obj.ToString());
        // Only the object's own metadata gets it, not the pod template's.
        Assert.False(obj.ToJsonNode()!["spec"]!["template"]!["metadata"]!.AsObject().ContainsKey("resourceVersion"));
    }

    [Fact]
    public void A_resource_version_in_the_bytes_is_kept()
    {
        var configMap = KubernetesTestObjects.ConfigMap();
        configMap["metadata"]!["resourceVersion"] = "77";
        var obj = KubernetesValueDecoder.Decode(KubernetesProtobufCodec.Encode(configMap), 99, DecodeOptions.Default);
        Assert.Equal("77", obj.ToJsonNode()!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("keys: a.conf, z.conf", obj.Summary);
    }

    [Fact]
    public void Secret_data_is_masked_unless_asked()
    {
        var value = KubernetesProtobufCodec.Encode(KubernetesTestObjects.Secret());
        var masked = KubernetesValueDecoder.Decode(value, 5, DecodeOptions.Default);
        Assert.True(masked.SecretMasked);
        Assert.Equal(KubernetesValueDecoder.Mask, masked.ToJsonNode()!["data"]!["password"]!.GetValue<string>());
        Assert.DoesNotContain(Convert.ToBase64String("hunter2-very-secret"u8.ToArray()), masked.ToJson(), StringComparison.Ordinal);
        Assert.Equal("Opaque, 1 key", masked.Summary);

        var shown = KubernetesValueDecoder.Decode(value, 5, new DecodeOptions { ShowSecret = true });
        Assert.False(shown.SecretMasked);
        Assert.Equal("hunter2-very-secret", Encoding.UTF8.GetString(Convert.FromBase64String(shown.ToJsonNode()!["data"]!["password"]!.GetValue<string>())));
    }

    [Fact]
    public void Json_custom_resources_pass_through()
    {
        var json = """{"apiVersion":"demo.mycompany.com/v1","kind":"ConfigMapApp","metadata":{"name":"my-app","namespace":"default","uid":"u1"},"spec":{"size":2}}""";
        var obj = KubernetesValueDecoder.Decode(Encoding.UTF8.GetBytes(json), 42, DecodeOptions.Default, "/registry/demo.mycompany.com/configmapapps/default/my-app");
        Assert.Equal(("ConfigMapApp", "my-app", ValueKind.Json), (obj.Kind, obj.Name, obj.Encoding));
        Assert.Equal(2, obj.ToJsonNode()!["spec"]!["size"]!.GetValue<int>());
        Assert.Equal("42", obj.ToJsonNode()!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(new byte[0], "empty")]
    [InlineData(new byte[] { 0x68, 0x65, 0x6c, 0x6c, 0x6f }, "plain text")]
    [InlineData(new byte[] { 0xff, 0xfe, 0x00, 0x01 }, "binary")]
    [InlineData(new byte[] { 0xd9, 0xd9, 0xf7, 0xa1 }, "CBOR")]
    [InlineData(new byte[] { 0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d }, "no kind")]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0x00, 0x0a, 0x20, 0x0a }, "truncated")]
    public void Values_that_are_not_kubernetes_objects_are_not_decodable(byte[] value, string expected)
    {
        var ex = Assert.Throws<EtcdException>(() => KubernetesValueDecoder.Decode(value, 0, DecodeOptions.Default, "/k"));
        Assert.Equal(EtcdErrorIds.ValueNotDecodable, ex.ErrorId);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.StartsWith("/k: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encrypted_value_reports_provider_and_key_without_plaintext()
    {
        var value = EncryptCbc(KubernetesProtobufCodec.Encode(KubernetesTestObjects.Secret()), "key1");
        var obj = KubernetesValueDecoder.Decode(value, 9, DecodeOptions.Default, "/registry/secrets/prod/db");
        Assert.True(obj.Encrypted);
        Assert.False(obj.Decrypted);
        Assert.Equal(("aescbc", "key1"), (obj.Provider, obj.KeyName));
        Assert.Null(obj.ToJson());
        Assert.Equal(string.Empty, obj.Kind);
    }

    [Fact]
    public void Aescbc_and_aesgcm_values_decrypt_with_the_encryption_configuration()
    {
        var keys = EncryptionKeys.Parse(EncryptionConfigYaml, "test.yaml");
        var options = new DecodeOptions { EncryptionKeys = keys };
        const string key = "/registry/secrets/prod/db";
        var plain = KubernetesProtobufCodec.Encode(KubernetesTestObjects.Secret());

        var cbc = KubernetesValueDecoder.Decode(EncryptCbc(plain, "key1"), 9, options, key);
        Assert.True(cbc.Decrypted);
        Assert.Equal(("Secret", "db", "aescbc"), (cbc.Kind, cbc.Name, cbc.Provider));
        Assert.Equal(KubernetesValueDecoder.Mask, cbc.ToJsonNode()!["data"]!["password"]!.GetValue<string>());

        var gcm = KubernetesValueDecoder.Decode(EncryptGcm(plain, "gcm1", key), 9, options, key);
        Assert.True(gcm.Decrypted);
        Assert.Equal(("Secret", "aesgcm", "gcm1"), (gcm.Kind, gcm.Provider, gcm.KeyName));

        // AES-GCM authenticates the etcd key: the same bytes under another key do not open.
        var moved = Assert.Throws<EtcdException>(() => KubernetesValueDecoder.Decode(EncryptGcm(plain, "gcm1", key), 9, options, "/registry/secrets/prod/other"));
        Assert.Equal(EtcdErrorIds.ValueNotDecodable, moved.ErrorId);
    }

    [Fact]
    public void Missing_or_wrong_keys_and_kms_are_reported_without_key_material()
    {
        var options = new DecodeOptions { EncryptionKeys = EncryptionKeys.Parse(EncryptionConfigYaml, "test.yaml") };
        var plain = KubernetesProtobufCodec.Encode(KubernetesTestObjects.Secret());
        var unknownKey = Assert.Throws<EtcdException>(() => KubernetesValueDecoder.Decode(EncryptCbc(plain, "key2"), 1, options));
        Assert.Contains("'key2'", unknownKey.Message, StringComparison.Ordinal);

        var wrong = EncryptCbc(plain, "key1", Enumerable.Repeat((byte)7, 32).ToArray());
        var ex = Assert.Throws<EtcdException>(() => KubernetesValueDecoder.Decode(wrong, 1, options));
        Assert.Equal(EtcdErrorIds.ValueNotDecodable, ex.ErrorId);
        Assert.DoesNotContain(Convert.ToBase64String(s_cbcKey), ex.Message, StringComparison.Ordinal);

        var kms = Encoding.UTF8.GetBytes("k8s:enc:kms:v2:plugin1:").Concat(new byte[64]).ToArray();
        Assert.Contains("not supported", Assert.Throws<EtcdException>(() => KubernetesValueDecoder.Decode(kms, 1, options)).Message, StringComparison.Ordinal);
        Assert.Equal("kms", KubernetesValueDecoder.Decode(kms, 1, DecodeOptions.Default).Provider);
    }

    [Theory]
    [InlineData("kind: Pod\n", "not an EncryptionConfiguration")]
    [InlineData("kind: EncryptionConfiguration\nresources: []\n", "no aescbc")]
    [InlineData("kind: [unclosed\n", "not valid YAML")]
    [InlineData("kind: EncryptionConfiguration\nresources:\n- providers:\n  - aescbc:\n      keys:\n      - name: k\n        secret: '%%%'\n", "not base64")]
    public void Bad_encryption_configurations_are_invalid_arguments(string yaml, string expected)
    {
        var ex = Assert.Throws<EtcdException>(() => EncryptionKeys.Parse(yaml, "enc.yaml"));
        Assert.Equal(EtcdErrorIds.InvalidArgument, ex.ErrorId);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    internal static byte[] EncryptCbc(byte[] plain, string keyName, byte[]? key = null)
    {
        using var aes = Aes.Create();
        aes.Key = key ?? s_cbcKey;
        var iv = RandomNumberGenerator.GetBytes(16);
        var cipher = aes.EncryptCbc(plain, iv, PaddingMode.PKCS7);
        return [.. Encoding.UTF8.GetBytes($"k8s:enc:aescbc:v1:{keyName}:"), .. iv, .. cipher];
    }

    internal static byte[] EncryptGcm(byte[] plain, string keyName, string etcdKey)
    {
        using var gcm = new AesGcm(s_gcmKey, 16);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        gcm.Encrypt(nonce, plain, cipher, tag, Encoding.UTF8.GetBytes(etcdKey));
        return [.. Encoding.UTF8.GetBytes($"k8s:enc:aesgcm:v1:{keyName}:"), .. nonce, .. cipher, .. tag];
    }
}

public sealed class EtcdKeyValueDecodeTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>
{
    [Fact]
    public void A_key_read_from_etcd_decodes_in_place()
    {
        using var raw = new Engine.Connection.EndpointClient(new Uri(etcd.Endpoint), null, TimeSpan.FromSeconds(5));
        var key = Google.Protobuf.ByteString.CopyFromUtf8("/registry/deployments/shop/web");
        raw.KV.Put(new Etcdserverpb.PutRequest { Key = key, Value = Google.Protobuf.ByteString.CopyFrom(KubernetesProtobufCodec.Encode(KubernetesTestObjects.Deployment(2))) });
        var range = raw.KV.Range(new Etcdserverpb.RangeRequest { Key = key });
        var kv = EtcdKeyValue.FromProto(Assert.Single(range.Kvs), range.Header.Revision);
        Assert.Null(kv.Kind);
        var obj = kv.DecodeKubernetes(DecodeOptions.Default);
        Assert.Same(obj, kv.Decoded);
        Assert.Equal(("Deployment", "apps/v1", "1/2 ready"), (kv.Kind, kv.ApiVersion, kv.Summary));
        Assert.Equal(("shop", "web"), (kv.Namespace, obj.Name));
        Assert.Equal(2, obj.ToJsonNode()!["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(kv.ModRevision.ToString(System.Globalization.CultureInfo.InvariantCulture), obj.ToJsonNode()!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }
}
