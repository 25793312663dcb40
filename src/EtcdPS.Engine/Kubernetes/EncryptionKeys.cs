using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using YamlDotNet.RepresentationModel;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>
/// The keys of an API server EncryptionConfiguration file (aescbc, aesgcm, secretbox providers), by provider and
/// key name, used to decrypt values encrypted at rest. Key material never appears in messages.
/// </summary>
internal sealed class EncryptionKeys
{
    private readonly Dictionary<(string Provider, string Name), byte[]> _keys;

    private EncryptionKeys(Dictionary<(string, string), byte[]> keys) => _keys = keys;

    public int Count => _keys.Count;

    public bool TryGet(string provider, string keyName, out byte[] key) =>
        _keys.TryGetValue((provider, keyName), out key!);

    /// <summary>Reads an EncryptionConfiguration YAML file.</summary>
    /// <exception cref="EtcdException">The file is missing or is not an EncryptionConfiguration.</exception>
    public static EncryptionKeys Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Invalid(path, $"The encryption configuration '{path}' cannot be read: {ex.Message}", ex);
        }

        return Parse(text, path);
    }

    /// <summary>Parses the YAML of an EncryptionConfiguration.</summary>
    public static EncryptionKeys Parse(string yaml, string source)
    {
        var keys = new Dictionary<(string, string), byte[]>();
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
                || !Scalar(root, "kind").Equals("EncryptionConfiguration", StringComparison.Ordinal))
            {
                throw Invalid(source, $"'{source}' is not an EncryptionConfiguration (kind: EncryptionConfiguration).");
            }

            if (Child(root, "resources") is YamlSequenceNode resources)
            {
                foreach (var resource in resources.OfType<YamlMappingNode>())
                {
                    if (Child(resource, "providers") is not YamlSequenceNode providers)
                    {
                        continue;
                    }

                    foreach (var provider in providers.OfType<YamlMappingNode>())
                    {
                        foreach (var (name, body) in provider.Children)
                        {
                            var providerName = ((YamlScalarNode)name).Value ?? string.Empty;
                            if (providerName is not ("aescbc" or "aesgcm" or "secretbox") || body is not YamlMappingNode settings
                                || Child(settings, "keys") is not YamlSequenceNode keyList)
                            {
                                continue;
                            }

                            foreach (var key in keyList.OfType<YamlMappingNode>())
                            {
                                var keyName = Scalar(key, "name");
                                try
                                {
                                    keys[(providerName, keyName)] = Convert.FromBase64String(Scalar(key, "secret"));
                                }
                                catch (FormatException)
                                {
                                    throw Invalid(source, $"The secret of {providerName} key '{keyName}' in '{source}' is not base64.");
                                }
                            }
                        }
                    }
                }
            }
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw Invalid(source, $"'{source}' is not valid YAML (line {ex.Start.Line}).", ex);
        }

        if (keys.Count == 0)
        {
            throw Invalid(source, $"'{source}' has no aescbc, aesgcm or secretbox keys.");
        }

        return new EncryptionKeys(keys);
    }

    /// <summary>Decrypts the bytes after the <c>k8s:enc:&lt;provider&gt;:v1:&lt;key&gt;:</c> prefix.</summary>
    /// <param name="provider">aescbc, aesgcm or secretbox.</param>
    /// <param name="key">The key.</param>
    /// <param name="data">IV/nonce followed by the ciphertext.</param>
    /// <param name="etcdKey">The etcd key: AES-GCM authenticates it as additional data.</param>
    /// <returns>The plaintext, or null when the key does not open the value.</returns>
    public static byte[]? Decrypt(string provider, byte[] key, ReadOnlySpan<byte> data, byte[]? etcdKey)
    {
        try
        {
            switch (provider)
            {
                case "aescbc":
                    if (data.Length < 32 || data.Length % 16 != 0)
                    {
                        return null;
                    }

                    using (var aes = Aes.Create())
                    {
                        aes.Key = key;
                        return aes.DecryptCbc(data[16..], data[..16], PaddingMode.PKCS7);
                    }

                case "aesgcm":
                    const int nonceSize = 12, tagSize = 16;
                    if (data.Length < nonceSize + tagSize)
                    {
                        return null;
                    }

                    using (var gcm = new AesGcm(key, tagSize))
                    {
                        var cipher = data[nonceSize..^tagSize];
                        var plain = new byte[cipher.Length];
                        gcm.Decrypt(data[..nonceSize], cipher, data[^tagSize..], plain, etcdKey);
                        return plain;
                    }

                case "secretbox":
                    return OpenSecretbox(key, data);

                default:
                    return null;
            }
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// NaCl secretbox (XSalsa20-Poly1305) as the API server writes it: a 24-byte nonce, then the Poly1305 tag and
    /// the ciphertext (Go's secretbox.Seal layout, which is libsodium's "combined" mode). The key is 32 bytes.
    /// Built from BouncyCastle's XSalsa20 and Poly1305, as NaCl defines the box: the first 32 bytes of the key
    /// stream are the one-time Poly1305 key, the rest encrypts the message; the tag is checked before decrypting.
    /// </summary>
    private static byte[]? OpenSecretbox(byte[] key, ReadOnlySpan<byte> data)
    {
        const int NonceLength = 24, TagLength = 16, KeyLength = 32;
        if (key.Length != KeyLength || data.Length < NonceLength + TagLength)
        {
            return null;
        }

        var stream = new XSalsa20Engine();
        stream.Init(false, new ParametersWithIV(new KeyParameter(key), data[..NonceLength].ToArray()));
        var macKey = new byte[KeyLength];
        stream.ProcessBytes(new byte[KeyLength], 0, KeyLength, macKey, 0);

        var tag = data.Slice(NonceLength, TagLength);
        var cipher = data[(NonceLength + TagLength)..].ToArray();
        var mac = new Poly1305();
        mac.Init(new KeyParameter(macKey));
        mac.BlockUpdate(cipher, 0, cipher.Length);
        var expected = new byte[TagLength];
        mac.DoFinal(expected, 0);
        CryptographicOperations.ZeroMemory(macKey);
        if (!CryptographicOperations.FixedTimeEquals(expected, tag))
        {
            return null;
        }

        var plain = new byte[cipher.Length];
        stream.ProcessBytes(cipher, 0, cipher.Length, plain, 0);
        return plain;
    }

    private static YamlNode? Child(YamlMappingNode node, string name) =>
        node.Children.TryGetValue(new YamlScalarNode(name), out var child) ? child : null;

    private static string Scalar(YamlMappingNode node, string name) => (Child(node, name) as YamlScalarNode)?.Value ?? string.Empty;

    private static EtcdException Invalid(string source, string message, Exception? inner = null) =>
        new(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument, message, source,
            "Give -EncryptionConfig the API server's EncryptionConfiguration file (--encryption-provider-config).", inner);
}
