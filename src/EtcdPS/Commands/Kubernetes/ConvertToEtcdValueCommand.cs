using System.Globalization;
using System.Management.Automation;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Commands.Kubernetes;

/// <summary>
/// <para type="synopsis">Encodes a Kubernetes object into the bytes the API server stores in etcd.</para>
/// <para type="description">Takes a KubernetesObject (from ConvertFrom-EtcdValue or Get-EtcdKey -Decode, edited or not),
/// a hashtable, or JSON/YAML text, and returns byte[]: protobuf ("k8s\0" + runtime.Unknown) for built-in kinds, byte for
/// byte what the API server writes; Go's JSON for custom resources; CBOR with -Encoding Cbor. -EncryptionConfig encrypts
/// with the configuration's write provider (aescbc, aesgcm, secretbox).</para>
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "EtcdValue")]
[OutputType(typeof(byte[]))]
// Pure CPU work, like ConvertFrom-EtcdValue: a plain synchronous PSCmdlet.
public sealed class ConvertToEtcdValueCommand : PSCmdlet
{
    private EncryptionWriter? _encryption;
    private int _minor = FieldTable.Head;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public object InputObject { get; set; } = null!;

    [Parameter]
    [ValidateSet("Protobuf", "Json", "Cbor")]
    public string? Encoding { get; set; }

    [Parameter]
    [ValidatePattern(@"^v?1\.\d+(\.\d+)?$")]
    public string? KubernetesVersion { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EncryptionConfig { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string? Key { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        try
        {
            if (KubernetesVersion is not null)
            {
                _minor = int.Parse(KubernetesVersion.TrimStart('v').Split('.')[1], CultureInfo.InvariantCulture);
            }

            _encryption = EncryptionConfig is null ? null : EncryptionWriter.Load(SessionState.Path.GetUnresolvedProviderPathFromPSPath(EncryptionConfig));
        }
        catch (EtcdException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        try
        {
            var json = KubernetesObjectInput.ToJson(InputObject);
            var bytes = KubernetesValueEncoder.Encode(json, new EncodeOptions
            {
                Encoding = Encoding is null ? StorageEncoding.Auto : Enum.Parse<StorageEncoding>(Encoding),
                KubernetesMinor = _minor,
                Encryption = _encryption,
                Key = Key,
            });
            WriteObject(bytes, enumerateCollection: false);
        }
        catch (EtcdException ex)
        {
            WriteError(ErrorRecords.From(ex));
        }
    }
}
