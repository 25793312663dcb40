using System.Management.Automation;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Commands.Kubernetes;

/// <summary>
/// <para type="synopsis">Decodes Kubernetes objects stored in etcd (protobuf, JSON, encrypted at rest) into objects, JSON or YAML.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "EtcdValue", DefaultParameterSetName = PipelineSet)]
[OutputType(typeof(KubernetesObject))]
[OutputType(typeof(string), ParameterSetName = [PipelineSet, BytesSet])]
// Decoding is pure CPU work on values already read, so this is a plain synchronous PSCmdlet: AsyncPSCmdlet's
// per-record worker and message hand-off cost more than the decoding itself (see docs/performance.md).
public sealed class ConvertFromEtcdValueCommand : PSCmdlet
{
    private const string PipelineSet = "Pipeline";
    private const string BytesSet = "Bytes";

    private DecodeOptions _options = DecodeOptions.Default;

    [Parameter(ParameterSetName = PipelineSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public byte[]? RawValue { get; set; }

    [Parameter(ParameterSetName = PipelineSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string? Value { get; set; }

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = BytesSet)]
    [AllowEmptyCollection]
    public byte[] InputObject { get; set; } = [];

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string? Key { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public long ModRevision { get; set; }

    [Parameter]
    public SwitchParameter AsJson { get; set; }

    [Parameter]
    public SwitchParameter AsYaml { get; set; }

    [Parameter]
    public SwitchParameter ShowSecret { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EncryptionConfig { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing()
    {
        try
        {
            if (AsJson && AsYaml)
            {
                throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                    "-AsJson and -AsYaml cannot be used together.", null, "Choose one output format.");
            }

            _options = DecodeOptions.From(ShowSecret,
                EncryptionConfig is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(EncryptionConfig));
        }
        catch (EtcdException ex)
        {
            ThrowTerminatingError(ErrorRecords.From(ex));
        }
    }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var bytes = ParameterSetName == BytesSet
            ? InputObject
            : RawValue is { Length: > 0 } raw ? raw : System.Text.Encoding.UTF8.GetBytes(Value ?? string.Empty);
        KubernetesObject decoded;
        try
        {
            decoded = KubernetesValueDecoder.Decode(bytes, ModRevision, _options, Key);
        }
        catch (EtcdException ex)
        {
            WriteError(ErrorRecords.From(ex));
            return;
        }

        if (AsJson)
        {
            WriteObject(decoded.ToJson() ?? KubernetesPSObjects.EncryptedJson(decoded));
        }
        else if (AsYaml)
        {
            WriteObject(KubernetesPSObjects.ToYaml(decoded));
        }
        else
        {
            WriteObject(KubernetesPSObjects.Wrap(decoded));
        }
    }
}
