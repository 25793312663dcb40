using Etcdserverpb;
using EtcdPS.Engine.Kubernetes;
using Google.Protobuf;

namespace EtcdPS.Tests.Kubernetes;

public sealed class ConvertFromEtcdValueTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    /// <summary>Puts a value in the real etcd and reads it back the way Get-EtcdKey does (EtcdKeyValue.FromProto).</summary>
    private EtcdKeyValue PutAndRead(string key, byte[] value)
    {
        using var raw = new Engine.Connection.EndpointClient(new Uri(etcd.Endpoint), null, TimeSpan.FromSeconds(5));
        raw.KV.Put(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFrom(value) });
        var range = raw.KV.Range(new RangeRequest { Key = ByteString.CopyFromUtf8(key) });
        return EtcdKeyValue.FromProto(Assert.Single(range.Kvs), range.Header.Revision);
    }

    /// <summary>A pipeline object with the properties Get-EtcdKey's output has.</summary>
    private static string AsPipelineObject(EtcdKeyValue kv) =>
        $"[pscustomobject]@{{ Key = '{kv.Key}'; RawValue = [Convert]::FromBase64String('{Convert.ToBase64String(kv.RawValue)}'); ModRevision = {kv.ModRevision} }}";

    [Fact]
    public void Deployment_written_to_etcd_decodes_with_nested_properties()
    {
        var kv = PutAndRead("/registry/deployments/shop/web", KubernetesProtobufCodec.Encode(KubernetesTestObjects.Deployment(3)));
        Assert.Equal(ValueKind.KubernetesProtobuf, kv.ValueKind);
        _pwsh.Run($"$o = {AsPipelineObject(kv)} | ConvertFrom-EtcdValue");
        Assert.Equal(3, (int)Assert.Single(_pwsh.Run("$o.spec.replicas")).BaseObject);
        Assert.Equal("web", Assert.Single(_pwsh.Run("$o.metadata.labels.app")).BaseObject);
        Assert.Equal("nginx:1.27", Assert.Single(_pwsh.Run("$o.spec.template.spec.containers[0].image")).BaseObject);
        Assert.Equal(kv.ModRevision.ToString(), Assert.Single(_pwsh.Run("$o.metadata.resourceVersion")).BaseObject);
        Assert.Equal(kv.ModRevision, (long)Assert.Single(_pwsh.Run("$o.ModRevision")).BaseObject);
        Assert.Equal("Deployment", Assert.Single(_pwsh.Run("$o.Kind")).BaseObject);
        Assert.Equal("/registry/deployments/shop/web", Assert.Single(_pwsh.Run("$o.Key")).BaseObject);
        Assert.Contains("2/3 ready", (string)Assert.Single(_pwsh.Run("$o | Format-Table | Out-String")).BaseObject, StringComparison.Ordinal);
    }

    [Fact]
    public void As_json_and_as_yaml_print_the_object()
    {
        var kv = PutAndRead("/registry/configmaps/default/settings", KubernetesProtobufCodec.Encode(KubernetesTestObjects.ConfigMap()));
        var json = (string)Assert.Single(_pwsh.Run($"{AsPipelineObject(kv)} | ConvertFrom-EtcdValue -AsJson")).BaseObject;
        Assert.StartsWith("{\n  \"kind\": \"ConfigMap\",\n  \"apiVersion\": \"v1\",", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal("first=1\n", Assert.Single(_pwsh.Run($"({AsPipelineObject(kv)} | ConvertFrom-EtcdValue -AsJson | ConvertFrom-Json).data.'a.conf'")).BaseObject);
        var yaml = (string)Assert.Single(_pwsh.Run($"{AsPipelineObject(kv)} | ConvertFrom-EtcdValue -AsYaml")).BaseObject;
        Assert.Contains("kind: ConfigMap\n", yaml.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("  labels:\n    app: web\n", yaml.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains($"resourceVersion: \"{kv.ModRevision}\"", yaml, StringComparison.Ordinal);
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke($"{AsPipelineObject(kv)} | ConvertFrom-EtcdValue -AsJson -AsYaml").FirstErrorId);
    }

    [Fact]
    public void Secret_data_is_masked_in_objects_views_and_text_unless_show_secret()
    {
        var kv = PutAndRead("/registry/secrets/prod/db", KubernetesProtobufCodec.Encode(KubernetesTestObjects.Secret()));
        var secret = Convert.ToBase64String("hunter2-very-secret"u8.ToArray());
        _pwsh.Run($"$s = {AsPipelineObject(kv)} | ConvertFrom-EtcdValue");
        Assert.Equal(KubernetesValueDecoder.Mask, Assert.Single(_pwsh.Run("$s.data.password")).BaseObject);
        var text = (string)Assert.Single(_pwsh.Run("($s | Format-Table | Out-String) + ($s | Format-List * | Out-String) + ($s | ConvertTo-Json -Depth 5) + \"$s\"")).BaseObject;
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, (string)Assert.Single(_pwsh.Run($"{AsPipelineObject(kv)} | ConvertFrom-EtcdValue -AsYaml")).BaseObject, StringComparison.Ordinal);
        Assert.Equal(secret, Assert.Single(_pwsh.Run($"({AsPipelineObject(kv)} | ConvertFrom-EtcdValue -ShowSecret).data.password")).BaseObject);
    }

    [Fact]
    public void Values_that_are_not_kubernetes_give_non_terminating_errors_and_the_rest_still_decodes()
    {
        var text = PutAndRead("/plain/text", "hello"u8.ToArray());
        var cm = PutAndRead("/registry/configmaps/default/after", KubernetesProtobufCodec.Encode(KubernetesTestObjects.ConfigMap("after")));
        var result = _pwsh.Invoke($"{AsPipelineObject(text)}, {AsPipelineObject(cm)} | ConvertFrom-EtcdValue");
        Assert.Equal("EtcdValueNotDecodable", result.FirstErrorId);
        Assert.Contains("/plain/text", result.Errors[0].ToString(), StringComparison.Ordinal);
        Assert.Equal("after", Assert.Single(result.Output).Properties["Name"].Value);

        var empty = _pwsh.Invoke("ConvertFrom-EtcdValue -InputObject ([byte[]]@())");
        Assert.Equal("EtcdValueNotDecodable", empty.FirstErrorId);
        var truncated = _pwsh.Invoke("ConvertFrom-EtcdValue -InputObject ([byte[]](0x6b,0x38,0x73,0x00,0x0a,0x20,0x0a))");
        Assert.Equal("EtcdValueNotDecodable", truncated.FirstErrorId);
    }

    [Fact]
    public void Json_values_from_the_value_property_decode()
    {
        _pwsh.Run("""$cr = [pscustomobject]@{ Key = '/registry/demo.mycompany.com/configmapapps/default/my-app'; Value = '{"apiVersion":"demo.mycompany.com/v1","kind":"ConfigMapApp","metadata":{"name":"my-app","namespace":"default"},"spec":{"size":2}}'; ModRevision = 8 } | ConvertFrom-EtcdValue""");
        Assert.Equal(2, Convert.ToInt32(Assert.Single(_pwsh.Run("$cr.spec.size")).BaseObject));
        Assert.Equal("Json", Assert.Single(_pwsh.Run("$cr.Encoding.ToString()")).BaseObject);
    }

    [Fact]
    public void Encrypted_values_are_reported_and_decrypted_with_an_encryption_config()
    {
        const string key = "/registry/secrets/prod/db";
        var plain = KubernetesProtobufCodec.Encode(KubernetesTestObjects.Secret());
        var cbc = PutAndRead(key, KubernetesValueDecoderTests.EncryptCbc(plain, "key1"));
        Assert.Equal(ValueKind.KubernetesEncrypted, cbc.ValueKind);
        var reported = Assert.Single(_pwsh.Run($"{AsPipelineObject(cbc)} | ConvertFrom-EtcdValue"));
        Assert.Equal("aescbc", reported.Properties["Provider"].Value);
        Assert.Equal("key1", reported.Properties["KeyName"].Value);
        Assert.Null(reported.Properties["data"]);

        var config = Path.Combine(Path.GetTempPath(), $"etcdps-enc-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(config, KubernetesValueDecoderTests.EncryptionConfigYaml);
        try
        {
            var decrypted = Assert.Single(_pwsh.Run($"{AsPipelineObject(cbc)} | ConvertFrom-EtcdValue -EncryptionConfig '{config}'"));
            Assert.Equal("Secret", decrypted.Properties["Kind"].Value);
            Assert.True((bool)decrypted.Properties["Decrypted"].Value);
            var gcm = PutAndRead(key, KubernetesValueDecoderTests.EncryptGcm(plain, "gcm1", key));
            Assert.Equal("Opaque", Assert.Single(_pwsh.Run($"({AsPipelineObject(gcm)} | ConvertFrom-EtcdValue -EncryptionConfig '{config}').type")).BaseObject);
            Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke($"{AsPipelineObject(gcm)} | ConvertFrom-EtcdValue -EncryptionConfig '{config}.missing'").FirstErrorId);
        }
        finally
        {
            File.Delete(config);
        }
    }
}
