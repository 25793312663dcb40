using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Tests.Kubernetes;

public sealed class EncryptionWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdps-enc-").FullName;
    private static readonly string s_secret = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public void Dispose() => Directory.Delete(_dir, true);

    private string Config(string providers, string resources = "secrets")
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".yaml");
        File.WriteAllText(path, "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
            + $"  - resources: [{resources}]\n    providers:\n{providers}");
        return path;
    }

    private static string Provider(string name, string keyName) =>
        $"      - {name}:\n          keys:\n            - name: {keyName}\n              secret: {s_secret}\n      - identity: {{}}\n";

    [Theory]
    [InlineData("aescbc")]
    [InlineData("aesgcm")]
    [InlineData("secretbox")]
    public void The_write_provider_encrypts_what_the_decoder_decrypts_to_the_same_object(string provider)
    {
        var path = Config(Provider(provider, "k1"));
        const string key = "/registry/secrets/prod/db";
        var value = KubernetesValueEncoder.Encode(KubernetesTestObjects.Secret(), new EncodeOptions { Encryption = EncryptionWriter.Load(path), Key = key });
        Assert.StartsWith($"k8s:enc:{provider}:v1:k1:", System.Text.Encoding.ASCII.GetString(value, 0, 20 + provider.Length));
        var decoded = KubernetesValueDecoder.Decode(value, 0, DecodeOptions.From(true, path), key);
        Assert.True(decoded.Decrypted);
        var plain = KubernetesValueEncoder.Encode(KubernetesTestObjects.Secret(), new EncodeOptions { Key = key });
        Assert.Equal(plain, KubernetesProtobufCodec.Encode((System.Text.Json.Nodes.JsonObject)decoded.ToJsonNode()!));
    }

    [Fact]
    public void Identity_first_writes_plain_and_no_provider_for_the_resource_is_refused()
    {
        var identityFirst = Config("      - identity: {}\n" + Provider("aescbc", "k1"));
        var plain = KubernetesValueEncoder.Encode(KubernetesTestObjects.Secret(), new EncodeOptions { Encryption = EncryptionWriter.Load(identityFirst), Key = "/registry/secrets/a/b" });
        Assert.True(plain.AsSpan().StartsWith(KubernetesProtobufCodec.Magic));

        var secretsOnly = EncryptionWriter.Load(Config(Provider("aescbc", "k1")));
        var ex = Assert.Throws<EtcdException>(() => KubernetesValueEncoder.Encode(KubernetesTestObjects.ConfigMap(),
            new EncodeOptions { Encryption = secretsOnly, Key = "/registry/configmaps/default/settings" }));
        Assert.Equal(EtcdErrorIds.NoWriteProvider, ex.ErrorId);
    }
}
