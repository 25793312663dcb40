using EtcdPS.Engine.Kubernetes;

namespace EtcdPS;

public sealed partial class EtcdKeyValue
{
    /// <summary>The Kubernetes object decoded from the value (Get-EtcdKey -Decode); null when not decoded.</summary>
    public KubernetesObject? Decoded { get; internal set; }

    /// <summary>The decoded object's kind (Pod, Deployment, ...); null when not decoded.</summary>
    public string? Kind => Decoded?.Kind;

    /// <summary>The decoded object's apiVersion; null when not decoded.</summary>
    public string? ApiVersion => Decoded?.ApiVersion;

    /// <summary>A one-line summary of the decoded object (Pod phase and node, Deployment replicas, ...).</summary>
    public string? Summary => Decoded?.Summary;

    /// <summary>Decodes the value as a Kubernetes object and keeps it in <see cref="Decoded"/>.</summary>
    /// <exception cref="EtcdException">EtcdValueNotDecodable when the value is not a Kubernetes object.</exception>
    internal KubernetesObject DecodeKubernetes(DecodeOptions options)
    {
        Decoded = KubernetesValueDecoder.Decode(RawValue, ModRevision, options, Key);
        if (Decoded.SecretMasked)
        {
            // The decoded Secret shows masked data; the clear bytes must not ride along in Value/RawValue (ConvertTo-Json,
            // Export-Clixml). Null, not empty: piping this object into Set-EtcdKey fails instead of writing an empty Secret.
            _value = null;
            _valueIsText = false;
            _rawValue = null!;
        }

        return Decoded;
    }
}
