using System.Security.Cryptography;
using System.Text;
using EtcdPS.Engine.Kubernetes;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;
using YamlDotNet.RepresentationModel;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>
/// Encrypts values as the API server does with an EncryptionConfiguration: the first provider listed for the
/// object's resource is the write provider, and its first key the write key (k8s:enc:&lt;provider&gt;:v1:&lt;key&gt;:...).
/// </summary>
internal sealed class EncryptionWriter
{
    private readonly List<(string[] Resources, string Provider, string? KeyName, byte[]? Secret)> _rules;
    private readonly string _source;

    private EncryptionWriter(List<(string[], string, string?, byte[]?)> rules, string source) => (_rules, _source) = (rules, source);

    /// <exception cref="EtcdException">EtcdInvalidArgument (unreadable file), EtcdNoWriteProvider (no provider at all).</exception>
    public static EncryptionWriter Load(string path)
    {
        EncryptionKeys.Load(path); // the same checks and errors as for reading
        var rules = new List<(string[], string, string?, byte[]?)>();
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        if (root.Children.TryGetValue("resources", out var resourcesNode) && resourcesNode is YamlSequenceNode resources)
        {
            foreach (var resource in resources.OfType<YamlMappingNode>())
            {
                var names = resource.Children.TryGetValue("resources", out var n) && n is YamlSequenceNode list
                    ? list.OfType<YamlScalarNode>().Select(s => s.Value ?? string.Empty).ToArray()
                    : [];
                if (!resource.Children.TryGetValue("providers", out var p) || p is not YamlSequenceNode providers
                    || providers.OfType<YamlMappingNode>().FirstOrDefault() is not { } first || first.Children.Count == 0)
                {
                    continue;
                }

                var (providerName, body) = first.Children.First();
                var provider = ((YamlScalarNode)providerName).Value ?? string.Empty;
                string? keyName = null;
                byte[]? secret = null;
                if (body is YamlMappingNode settings && settings.Children.TryGetValue("keys", out var k) && k is YamlSequenceNode keys
                    && keys.OfType<YamlMappingNode>().FirstOrDefault() is { } key)
                {
                    keyName = (key.Children.TryGetValue("name", out var kn) ? (kn as YamlScalarNode)?.Value : null) ?? string.Empty;
                    secret = Convert.FromBase64String((key.Children.TryGetValue("secret", out var ks) ? (ks as YamlScalarNode)?.Value : null) ?? string.Empty);
                }

                rules.Add((names, provider, keyName, secret));
            }
        }

        return new EncryptionWriter(rules, path);
    }

    /// <summary>Encrypts <paramref name="plain"/> for the etcd key <paramref name="etcdKey"/> (its resource picks the provider).</summary>
    /// <exception cref="EtcdException">EtcdNoWriteProvider: no provider covers the resource, or it cannot be written (kms).</exception>
    public byte[] Encrypt(byte[] plain, string? etcdKey)
    {
        var parsed = etcdKey is null ? KubernetesKey.None : KubernetesKey.Parse(etcdKey);
        var resource = parsed.Resource.Length == 0 ? null : parsed.Group.Length == 0 ? parsed.Resource : parsed.Resource + "." + parsed.Group;
        var rule = resource is null ? default : _rules.FirstOrDefault(r => r.Resources.Any(name => Covers(name, resource, parsed.Group)));
        if (rule.Provider is null)
        {
            throw new EtcdException(EtcdErrorIds.NoWriteProvider, EtcdErrorCategory.InvalidArgument,
                resource is null
                    ? $"The encryption configuration '{_source}' picks its provider by resource, and '{etcdKey}' is not a Kubernetes resource key. Nothing was written."
                    : $"The encryption configuration '{_source}' has no provider for '{resource}': the API server would not encrypt it with this file. Nothing was written.",
                etcdKey, "Use the API server's own EncryptionConfiguration; give the etcd key (-Key) of the object.");
        }

        if (rule.Provider == "identity")
        {
            return plain;
        }

        if (rule.Provider is not ("aescbc" or "aesgcm" or "secretbox") || rule.Secret is null)
        {
            throw new EtcdException(EtcdErrorIds.NoWriteProvider, EtcdErrorCategory.InvalidArgument,
                $"The write provider for '{resource}' in '{_source}' is {rule.Provider}, which EtcdPS cannot write (aescbc, aesgcm and secretbox can; kms keeps its key in a plugin). Nothing was written.",
                etcdKey, "Write through the API server (kubectl) for kms-encrypted resources.");
        }

        var prefix = Encoding.ASCII.GetBytes($"k8s:enc:{rule.Provider}:v1:{rule.KeyName}:");
        var sealedData = rule.Provider switch
        {
            "aescbc" => AesCbc(rule.Secret, plain),
            "aesgcm" => AesGcm(rule.Secret, plain, etcdKey is null ? null : Encoding.UTF8.GetBytes(etcdKey)),
            _ => Secretbox(rule.Secret, plain),
        };
        return [.. prefix, .. sealedData];
    }

    // "secrets" (core), "deployments.apps", "*.apps", "*." (every core resource), "*.*" (everything).
    private static bool Covers(string name, string resource, string group) =>
        name == resource || name == "*.*" || (name == "*." && group.Length == 0) || (name.StartsWith("*.", StringComparison.Ordinal) && name[2..] == group && group.Length > 0);

    private static byte[] AesCbc(byte[] key, byte[] plain)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        var iv = RandomNumberGenerator.GetBytes(16);
        return [.. iv, .. aes.EncryptCbc(plain, iv, PaddingMode.PKCS7)];
    }

    private static byte[] AesGcm(byte[] key, byte[] plain, byte[]? authenticated)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using var gcm = new System.Security.Cryptography.AesGcm(key, 16);
        gcm.Encrypt(nonce, plain, cipher, tag, authenticated);
        return [.. nonce, .. cipher, .. tag];
    }

    // NaCl secretbox (XSalsa20-Poly1305): nonce, Poly1305 tag, ciphertext.
    private static byte[] Secretbox(byte[] key, byte[] plain)
    {
        var nonce = RandomNumberGenerator.GetBytes(24);
        var stream = new XSalsa20Engine();
        stream.Init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        var macKey = new byte[32];
        stream.ProcessBytes(new byte[32], 0, 32, macKey, 0);
        var cipher = new byte[plain.Length];
        stream.ProcessBytes(plain, 0, plain.Length, cipher, 0);
        var mac = new Poly1305();
        mac.Init(new KeyParameter(macKey));
        mac.BlockUpdate(cipher, 0, cipher.Length);
        var tag = new byte[16];
        mac.DoFinal(tag, 0);
        CryptographicOperations.ZeroMemory(macKey);
        return [.. nonce, .. tag, .. cipher];
    }
}
