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
    private bool _loneBytesReported;

    [Parameter(ParameterSetName = PipelineSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public byte[]? RawValue { get; set; }

    [Parameter(ParameterSetName = PipelineSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string? Value { get; set; }

    [Parameter(ParameterSetName = PipelineSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
    [AllowEmptyCollection]
    public byte[]? PrevRawValue { get; set; }

    [Parameter(ParameterSetName = PipelineSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
    public long PrevModRevision { get; set; }

    [Parameter(ParameterSetName = PipelineSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
    [Alias("Type")]
    public string? EventType { get; set; }

    [Parameter(ParameterSetName = PipelineSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
    public KubernetesObject? Decoded { get; set; }

    [Parameter(ParameterSetName = PipelineSet, ValueFromPipeline = true, DontShow = true)]
    public PSObject? PipelineInput { get; set; }

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
        if (PipelineInput is { } piped && !PipedValueInput.CarriesValue(piped))
        {
            if (PipedValueInput.Bytes(piped, out var refusal) is not { } pipedBytes)
            {
                // One error for a whole unrolled byte array, not one per byte.
                if (!PipedValueInput.IsLoneByte(piped) || !_loneBytesReported)
                {
                    _loneBytesReported |= PipedValueInput.IsLoneByte(piped);
                    WriteError(ErrorRecords.From(refusal!));
                }

                return;
            }

            bytes = pipedBytes;
        }

        var modRevision = ModRevision;
        if (ParameterSetName == PipelineSet && EventType == nameof(EtcdWatchEventType.Delete) && RawValue is not { Length: > 0 })
        {
            // A Delete event carries no value: the deleted object is its previous value (Watch-EtcdPrefix -PrevKv).
            if (PrevRawValue is not { Length: > 0 } previous)
            {
                WriteVerbose($"{Key}: a Delete event without its previous value has nothing to decode (watch with -PrevKv to decode deleted objects).");
                return;
            }

            bytes = previous;
            modRevision = PrevModRevision;
        }

        if (ParameterSetName == PipelineSet && EventType == nameof(EtcdWatchEventType.Progress) && RawValue is not { Length: > 0 })
        {
            return;
        }

        KubernetesObject decoded;
        try
        {
            // An object decoded already (Get-EtcdKey -Decode) whose clear bytes were dropped (a masked Secret) is taken as
            // it is, unless -ShowSecret asks for what the masked object no longer holds.
            decoded = bytes.Length == 0 && Decoded is { } already && !ShowSecret
                ? already
                : KubernetesValueDecoder.Decode(bytes, modRevision, _options, Key);
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
