using System.Management.Automation;
using System.Text;
using EtcdPS.Commands.Kubernetes;
using EtcdPS.Engine.Keys;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// <para type="synopsis">Writes a key, optionally only if it did not change since it was read (compare-and-swap).</para>
/// <para type="description">-ExpectedModRevision makes the write a transaction that succeeds only while the key's ModRevision is
/// still that value, the way the API server refuses writes based on stale data (ErrorId EtcdStaleWrite otherwise).
/// -ExpectedVersion 0 creates the key only if it does not exist. Under the Kubernetes prefixes the write warns that it bypasses
/// the API server and needs -Force (or an interactive confirmation). -PassThru returns the previous value, so a mistake can be
/// undone by piping it back into Set-EtcdKey: the piped object brings its Lease and an ExpectedModRevision (the revision
/// of the write it undoes), so the undo keeps the lease and is refused (EtcdStaleWrite) when the key changed since; when
/// the write created the key, it returns an EtcdCreatedKey instead, which undoes the write when piped to Remove-EtcdKey.
/// A KubernetesObject (ConvertFrom-EtcdValue, Get-EtcdKey -Decode), edited through its properties, is written encoded as the
/// key holds it (protobuf, JSON, CBOR; encrypted again with -EncryptionConfig), always as a compare-and-swap on the ModRevision
/// it was read at; -WhatIf lists the fields that would change. Under a Kubernetes resource path a value that is not a
/// Kubernetes object is refused unless -Raw.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "EtcdKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EtcdKeyValue), typeof(EtcdCreatedKey))]
public sealed class SetEtcdKeyCommand : KeyWriteCmdlet
{
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    [TextValueTransformation]
    public string? Value { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public byte[]? RawValue { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Leases.LeaseIdTransformation]
    [ArgumentCompleter(typeof(LeaseCompleter))]
    public long Lease { get; set; }

    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public EtcdLease? InputLease { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, long.MaxValue)]
    public long ExpectedModRevision { get; set; } = -1;

    [Parameter(ValueFromPipeline = true)]
    public PSObject? InputObject { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EncryptionConfig { get; set; }

    [Parameter]
    public SwitchParameter Raw { get; set; }

    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long ExpectedVersion { get; set; } = -1;

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var key = KeyBytes();
        if (ObjectToWrite() is { } obj)
        {
            await WriteObjectAsync(key, obj, cancellation).ConfigureAwait(false);
            return;
        }

        var value = TypedTextWins(nameof(Value), nameof(RawValue))
            ? Encoding.UTF8.GetBytes(Value ?? string.Empty)
            : RawValue ?? (Value is null ? InputObject?.BaseObject as byte[] : Encoding.UTF8.GetBytes(Value));
        if (value is null && InputObject?.BaseObject is byte)
        {
            // Terminating: one error for the whole unrolled array, not one per byte.
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"Set-EtcdKey got single bytes from the pipeline for '{Key}': PowerShell unrolls a byte array, so each byte came alone. Nothing was written.", Key,
                "Pipe the array as one object (,$bytes | Set-EtcdKey <key>), give it to -RawValue, or pipe ConvertTo-EtcdValue's output directly.");
        }

        if (value is null)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"No value for '{Key}': give -Value or -RawValue.", Key,
                "Give text (-Value), bytes (-RawValue, or piped: ConvertTo-EtcdValue $object | Set-EtcdKey <key>), or pipe a KubernetesObject.");
        }

        // A mounted snapshot refuses every write: say that first, not what else is wrong with this one.
        var connection = await GetWritableConnectionAsync(cancellation).ConfigureAwait(false);
        if (!Raw && KubernetesObjectPaths.HoldsObject(Key, KubernetesPrefixes.Normalize(KubernetesPrefix)!) && NotAnObject(value) is { } reason)
        {
            await WriteErrorAsync(new EtcdException(EtcdErrorIds.NotAKubernetesObject, EtcdErrorCategory.InvalidArgument,
                $"'{Key}' is a Kubernetes object's key, and the value is not a Kubernetes object ({reason}); the API server could no longer read it. Nothing was written.",
                Key, "Write an object (ConvertTo-EtcdValue, or pipe a KubernetesObject), or add -Raw to store these bytes anyway.")).ConfigureAwait(false);
            return;
        }

        // A piped object's Lease and ExpectedModRevision describe its own key: they apply only when the key comes from
        // it too (an undo), not when -Key sends the value elsewhere (a copy).
        var keyTyped = IsTyped(nameof(Key)) || IsTyped(nameof(RawKey));
        var lease = keyTyped && !IsTyped(nameof(Lease)) ? 0 : Lease;
        var expectedModRevision = keyTyped && !IsTyped(nameof(ExpectedModRevision)) ? -1 : ExpectedModRevision;
        var action = $"Set etcd key ({value.Length} bytes{(expectedModRevision >= 0 ? $", if ModRevision is {expectedModRevision}" : string.Empty)})";
        if (await ApproveAsync(key, null, action).ConfigureAwait(false))
        {
            var write = new KeyWrite(key, value)
            {
                Lease = InputLease?.Id ?? lease,
                ExpectedModRevision = expectedModRevision >= 0 ? expectedModRevision : null,
                ExpectedVersion = ExpectedVersion >= 0 ? ExpectedVersion : null,
            };
            var result = await WriteAsync(() => KeyWriter.PutAsync(connection, write, cancellation),
                done => $"'{Key}' written at revision {done.Revision}.").ConfigureAwait(false);
            if (PassThru && result is { Previous.Count: 0 })
            {
                // The write created the key: what undoes it is a delete, guarded by the revision that created it.
                await WriteObjectAsync(new EtcdCreatedKey { Key = ValueKinds.KeyToText(key), RawKey = key, ExpectedModRevision = result.Revision })
                    .ConfigureAwait(false);
            }
        }
    }

    /// <summary>The object to write, when one was given (a piped EtcdKeyValue is not one: it is written as bytes).</summary>
    private object? ObjectToWrite() => Value is not null || RawValue is not null ? null : InputObject?.BaseObject switch
    {
        null or EtcdKeyValue => null,
        KubernetesObject or System.Collections.IDictionary or string => InputObject,
        PSCustomObject when !InputObject.Properties.Any(p => p.Name is nameof(RawValue) or nameof(Value)) => InputObject,
        _ => null,
    };

    private static string? NotAnObject(byte[] value)
    {
        try
        {
            KubernetesValueDecoder.Decode(value, 0, DecodeOptions.Default);
            return null;
        }
        catch (EtcdException ex)
        {
            return ex.Message.TrimEnd('.');
        }
    }

    private async Task WriteObjectAsync(byte[] key, object input, CancellationToken cancellation)
    {
        try
        {
            var obj = KubernetesObjectInput.ToJson(input);
            // The revision the object was read at guards its own key; written to another key (a copy), the write is
            // guarded by that key's state now instead.
            var readAt = (input as PSObject)?.BaseObject is KubernetesObject k && (k.Key is null || k.Key == Key) ? k.ModRevision : 0;
            var connection = await GetWritableConnectionAsync(cancellation).ConfigureAwait(false);
            var plan = await KubernetesObjectWriter.PlanAsync(connection, Key, obj, readAt,
                ExpectedModRevision >= 0 ? ExpectedModRevision : null,
                EncryptionConfig is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(EncryptionConfig),
                FieldTable.Head, cancellation, KubernetesPrefixes.Normalize(KubernetesPrefix)).ConfigureAwait(false);
            var changes = plan.Changes.Count == 0 ? " no field changes" : Environment.NewLine + string.Join(Environment.NewLine, plan.Changes.Select(c => "  " + c));
            var action = $"Set Kubernetes object ({plan.Encoding}, {plan.Value.Length} bytes, if ModRevision is {plan.ExpectedModRevision}):{changes}";
            if (await ApproveAsync(key, null, action).ConfigureAwait(false))
            {
                var write = new KeyWrite(key, plan.Value) { Lease = Lease, ExpectedModRevision = plan.ExpectedModRevision };
                await WriteAsync(() => KeyWriter.PutAsync(connection, write, cancellation),
                    result => $"'{Key}' written at revision {result.Revision} ({plan.Encoding}).").ConfigureAwait(false);
            }
        }
        catch (EtcdException ex) when (ex.ErrorId != EtcdErrorIds.Unavailable)
        {
            await WriteErrorAsync(ex).ConfigureAwait(false);
        }
    }
}
