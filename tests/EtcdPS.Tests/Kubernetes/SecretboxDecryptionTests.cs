using System.Security.Cryptography;
using System.Text;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Tests.Kubernetes;

/// <summary>The API server's secretbox provider: NaCl secretbox (XSalsa20-Poly1305), 24-byte nonce, 32-byte key.</summary>
public sealed class SecretboxDecryptionTests
{
    private static readonly byte[] s_key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    /// <summary>
    /// Made outside .NET with libsodium's crypto_secretbox_easy (Python ctypes, libsodium 1.0.18):
    /// key 00..1f, nonce 64..7b, message <see cref="KnownPlaintext"/>; the value is nonce || tag || ciphertext.
    /// </summary>
    private const string KnownSealed =
        "6465666768696a6b6c6d6e6f707172737475767778797a7b2b24e56d7544c379fe61886b96ced200799bf2a054d2ecd392ae46f745e1d73a12"
        + "8859d78df02e69d5652dfa28b1ebfe994dd83a2252ef85917763032229a647aff1c37d30bc1b2c32c37f26b5d3f30130fb2d0ead1e72a8dd"
        + "ea799335af99b129bbaf73de8f1e20a8b9c657199790a3d8b4";

    private const string KnownPlaintext =
        """{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s1","namespace":"default"},"type":"Opaque"}""";

    internal static string EncryptionConfigYaml => $"""
        apiVersion: apiserver.config.k8s.io/v1
        kind: EncryptionConfiguration
        resources:
          - resources: [secrets]
            providers:
              - secretbox:
                  keys:
                    - name: box1
                      secret: {Convert.ToBase64String(s_key)}
              - identity: {"{}"}
        """;

    private static DecodeOptions Options => new() { EncryptionKeys = EncryptionKeys.Parse(EncryptionConfigYaml, "enc.yaml") };

    internal static byte[] Seal(byte[] plain, string keyName, byte[]? key = null)
    {
        var nonce = RandomNumberGenerator.GetBytes(NaCl.XSalsa20Poly1305.NonceLength);
        var sealedBox = new byte[plain.Length + NaCl.XSalsa20Poly1305.TagLength];
        using (var box = new NaCl.XSalsa20Poly1305(key ?? s_key))
        {
            box.Encrypt(sealedBox, plain, nonce);
        }

        return [.. Encoding.UTF8.GetBytes($"k8s:enc:secretbox:v1:{keyName}:"), .. nonce, .. sealedBox];
    }

    [Fact]
    public void A_value_sealed_by_libsodium_opens_to_the_known_plaintext()
    {
        var value = Encoding.UTF8.GetBytes("k8s:enc:secretbox:v1:box1:").Concat(Convert.FromHexString(KnownSealed)).ToArray();
        Assert.Equal(KnownPlaintext, Encoding.UTF8.GetString(EncryptionKeys.Decrypt("secretbox", s_key, Convert.FromHexString(KnownSealed), null)!));

        var obj = KubernetesValueDecoder.Decode(value, 7, Options, "/registry/secrets/default/s1");
        Assert.True(obj.Decrypted);
        Assert.Equal(("Secret", "s1", "secretbox", "box1"), (obj.Kind, obj.Name, obj.Provider, obj.KeyName));
        Assert.Equal("7", obj.ToJsonNode()!["metadata"]!["resourceVersion"]!.GetValue<string>());
    }

    [Fact]
    public void A_protobuf_secret_round_trips_and_its_data_stays_masked()
    {
        var value = Seal(KubernetesProtobufCodec.Encode(KubernetesTestObjects.Secret()), "box1");
        var obj = KubernetesValueDecoder.Decode(value, 3, Options, "/registry/secrets/prod/db");
        Assert.True(obj.Decrypted);
        Assert.Equal(("Secret", "prod", "db"), (obj.Kind, obj.Namespace, obj.Name));
        Assert.Equal(KubernetesValueDecoder.Mask, obj.ToJsonNode()!["data"]!["password"]!.GetValue<string>());
    }

    [Fact]
    public void Tampered_wrong_key_truncated_and_unknown_key_values_do_not_open()
    {
        var sealedValue = Seal(Encoding.UTF8.GetBytes(KnownPlaintext), "box1");
        var prefixLength = "k8s:enc:secretbox:v1:box1:".Length;
        foreach (var position in new[] { prefixLength + 3, prefixLength + 30, sealedValue.Length - 1 })
        {
            // A flipped bit in the nonce, the tag or the ciphertext fails Poly1305 authentication.
            var tampered = (byte[])sealedValue.Clone();
            tampered[position] ^= 0x01;
            var ex = Assert.Throws<EtcdException>(() => KubernetesValueDecoder.Decode(tampered, 1, Options, "/k"));
            Assert.Equal(EtcdErrorIds.ValueNotDecodable, ex.ErrorId);
            Assert.Contains("does not decrypt", ex.Message, StringComparison.Ordinal);
        }

        var otherKey = Seal(Encoding.UTF8.GetBytes(KnownPlaintext), "box1", Enumerable.Repeat((byte)9, 32).ToArray());
        var wrong = Assert.Throws<EtcdException>(() => KubernetesValueDecoder.Decode(otherKey, 1, Options, "/k"));
        Assert.DoesNotContain(Convert.ToBase64String(s_key), wrong.Message, StringComparison.Ordinal);

        var truncated = sealedValue[..(prefixLength + 30)];
        Assert.Equal(EtcdErrorIds.ValueNotDecodable, Assert.Throws<EtcdException>(() => KubernetesValueDecoder.Decode(truncated, 1, Options, "/k")).ErrorId);

        var unknown = Seal(Encoding.UTF8.GetBytes(KnownPlaintext), "box2");
        Assert.Contains("'box2'", Assert.Throws<EtcdException>(() => KubernetesValueDecoder.Decode(unknown, 1, Options, "/k")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_of_the_wrong_length_opens_nothing()
    {
        Assert.Null(EncryptionKeys.Decrypt("secretbox", new byte[16], Convert.FromHexString(KnownSealed), null));
    }

    [Fact]
    public void ConvertFrom_EtcdValue_decrypts_secretbox_inside_the_module_load_context()
    {
        var config = Path.Combine(Path.GetTempPath(), $"etcdps-box-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(config, EncryptionConfigYaml);
        try
        {
            using var pwsh = new PwshSession();
            var value = Convert.ToBase64String(Seal(KubernetesProtobufCodec.Encode(KubernetesTestObjects.Secret()), "box1"));
            var obj = Assert.Single(pwsh.Run(
                $"ConvertFrom-EtcdValue -InputObject ([Convert]::FromBase64String('{value}')) -Key /registry/secrets/prod/db -EncryptionConfig '{config}' -ShowSecret"));
            Assert.True((bool)obj.Properties["Decrypted"].Value);
            Assert.Equal("secretbox", obj.Properties["Provider"].Value);
            var password = Assert.Single(pwsh.Run(
                $"(ConvertFrom-EtcdValue -InputObject ([Convert]::FromBase64String('{value}')) -EncryptionConfig '{config}' -ShowSecret).data.password"));
            Assert.Equal(KubernetesTestObjects.Secret()["data"]!["password"]!.GetValue<string>(), password.BaseObject);
        }
        finally
        {
            File.Delete(config);
        }
    }
}
