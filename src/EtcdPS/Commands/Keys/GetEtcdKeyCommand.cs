using System.Management.Automation;
using EtcdPS.Engine;
using EtcdPS.Engine.Keys;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// <para type="synopsis">Gets keys and values from etcd as EtcdKeyValue objects, streamed page by page at one revision.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdKey", DefaultParameterSetName = KeySet)]
[OutputType(typeof(EtcdKeyValue), typeof(long))]
public sealed class GetEtcdKeyCommand : EtcdCmdlet
{
    internal const string KeySet = "Key";
    internal const string PrefixSet = "Prefix";
    internal const string RangeSet = "Range";
    internal const string FromKeySet = "FromKey";
    internal const string ResourceSet = "Resource";
    private const string Activity = "Get-EtcdKey";

    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string? Key { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public byte[]? RawKey { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = PrefixSet)]
    public SwitchParameter Prefix { get; set; }

    [Parameter(ParameterSetName = RangeSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string? RangeEnd { get; set; }

    [Parameter(ParameterSetName = RangeSet)]
    [ValidateNotNullOrEmpty]
    public byte[]? RawRangeEnd { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = FromKeySet)]
    public SwitchParameter FromKey { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ResourceSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesResourceCompleter))]
    public string? Resource { get; set; }

    [Parameter(ParameterSetName = ResourceSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesNamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter(ParameterSetName = ResourceSet)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LabelSelector { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? FieldSelector { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OwnerUid { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OwnerName { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = false)]
    [ValidateRange(0, long.MaxValue)]
    public long Revision { get; set; }

    [Parameter]
    public SwitchParameter KeysOnly { get; set; }

    [Parameter]
    public SwitchParameter CountOnly { get; set; }

    [Parameter]
    [Alias("First")]
    [ValidateRange(0, long.MaxValue)]
    public long Limit { get; set; }

    [Parameter]
    [ValidateSet("Key", "Version", "CreateRevision", "ModRevision", "Value")]
    public string SortBy { get; set; } = "Key";

    [Parameter]
    [ValidateSet("Ascending", "Descending")]
    public string SortOrder { get; set; } = "Ascending";

    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long MinModRevision { get; set; }

    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long MaxModRevision { get; set; }

    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long MinCreateRevision { get; set; }

    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long MaxCreateRevision { get; set; }

    [Parameter]
    public SwitchParameter Serializable { get; set; }

    [Parameter]
    public SwitchParameter Strict { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string[]? KubernetesPrefix { get; set; }

    [Parameter]
    public SwitchParameter Decode { get; set; }

    [Parameter]
    public SwitchParameter ShowSecret { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EncryptionConfig { get; set; }

    private KeyValueDecoding? _decoding;
    private ObjectFilter? _filter;

    /// <inheritdoc />
    protected override async Task BeginProcessingAsync(CancellationToken cancellation)
    {
        var filterOptions = DecodeOptions.From(false, EncryptionConfig is null ? null : await ResolvePathAsync(EncryptionConfig).ConfigureAwait(false));
        _filter = KubernetesAddressing.Filter(LabelSelector, FieldSelector, OwnerUid, OwnerName, filterOptions);
        if (_filter is not null && (KeysOnly || CountOnly))
        {
            throw GetEtcdKeyQuery.Invalid("-LabelSelector, -FieldSelector, -OwnerUid and -OwnerName look inside the values: they cannot be used with -KeysOnly or -CountOnly.");
        }

        // -Resource with -Name names one object: its key, like -Key.
        if (Strict && ParameterSetName != KeySet && !(ParameterSetName == ResourceSet && Name is not null))
        {
            throw GetEtcdKeyQuery.Invalid("-Strict is for single keys (-Key, or -Resource with -Name): it reports a key that does not exist. A range (-Prefix, -RangeEnd, -FromKey) that matches nothing is not an error; use -CountOnly to check how many keys it has.");
        }

        if (!Decode)
        {
            if (ShowSecret || (EncryptionConfig is not null && _filter is null))
            {
                throw GetEtcdKeyQuery.Invalid("-ShowSecret and -EncryptionConfig only apply with -Decode (or, for -EncryptionConfig, a selector).");
            }

            return;
        }

        if (KeysOnly || CountOnly)
        {
            throw GetEtcdKeyQuery.Invalid("-Decode needs the values: it cannot be used with -KeysOnly or -CountOnly.");
        }

        var options = DecodeOptions.From(ShowSecret, EncryptionConfig is null ? null : await ResolvePathAsync(EncryptionConfig).ConfigureAwait(false));
        _decoding = new KeyValueDecoding(options, ParameterSetName == KeySet);
    }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var query = GetEtcdKeyQuery.Build(this);
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        if (ParameterSetName == ResourceSet)
        {
            var resolved = await KubernetesAddressing.ResolveAsync(connection, Resource!, Namespace, Name, KubernetesPrefix, Revision, cancellation).ConfigureAwait(false);
            await WriteVerboseAsync($"Reading {resolved.Description}.").ConfigureAwait(false);
            query = query with { Range = resolved.Range };
        }
        else if (ParameterSetName == PrefixSet && RawKey is null
            && await KubernetesAddressing.SiblingWarningAsync(connection, Key ?? string.Empty, Revision, cancellation).ConfigureAwait(false) is { } warning)
        {
            await WriteWarningAsync(warning).ConfigureAwait(false);
        }

        var reader = new RevisionPinnedRangeReader(connection, query)
        {
            Progress = p => ReportProgress(KeyReadProgress.For(1, Activity, p)),
        };
        if (CountOnly)
        {
            await WriteObjectAsync(await reader.CountAsync(cancellation).ConfigureAwait(false)).ConfigureAwait(false);
            await WriteVerboseAsync(KeyReadProgress.Summary(reader)).ConfigureAwait(false);
            return;
        }

        var items = _filter is null ? reader.ReadAsync(cancellation) : _filter.WhereAsync(reader.ReadAsync(cancellation), cancellation);
        var found = _decoding is null
            ? await BatchedOutput.WriteAllAsync(items, WriteObjectAsync, cancellation).ConfigureAwait(false) > 0
            : await _decoding.WriteAllAsync(items, batch => WriteOutcomesAsync(batch, KeyValueDecoding.ForPipeline), cancellation).ConfigureAwait(false);

        ReportProgress(KeyReadProgress.Completed(1, Activity));
        await WriteVerboseAsync(KeyReadProgress.Summary(reader)).ConfigureAwait(false);
        if (_filter is { Undecodable: > 0 } filter)
        {
            await WriteVerboseAsync($"{filter.Undecodable} of {filter.Examined} values were not readable Kubernetes objects (text, binary, encrypted without -EncryptionConfig) and did not match the selectors.").ConfigureAwait(false);
        }

        foreach (var path in _filter?.FieldPathsNeverSeen ?? [])
        {
            await WriteWarningAsync($"None of the {_filter!.Fields!.Evaluated} objects the field selector looked at has the field '{path}'; a missing field reads as '' in -FieldSelector. Check the path (metadata.name, status.phase, spec.nodeName, ...).").ConfigureAwait(false);
        }

        if (!found && RawKey is null && ParameterSetName != ResourceSet && await NoMatchHint.ForAsync(connection, Key, ParameterSetName == PrefixSet, reader.Revision, cancellation).ConfigureAwait(false) is { } hint)
        {
            await WriteWarningAsync(hint).ConfigureAwait(false);
        }

        if (!found && Strict && query.Range.IsSingleKey)
        {
            await WriteErrorAsync(new EtcdException(EtcdErrorIds.KeyNotFound, EtcdErrorCategory.ObjectNotFound,
                $"The key '{query.Range}' does not exist at revision {reader.Revision}.", query.Range.ToString(),
                "Check the key (Get-EtcdKey <prefix> -Prefix -KeysOnly lists what exists), or use -Revision to read an older state.")).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        if (_decoding is { Skipped: > 0 } decoding)
        {
            await WriteVerboseAsync($"{decoding.Skipped} values were not Kubernetes objects (text, binary or empty) and were not decoded.").ConfigureAwait(false);
        }
    }
}
