using System.Management.Automation;
using System.Text;
using EtcdPS.Engine.Writes;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// <para type="synopsis">Writes a key, optionally only if it did not change since it was read (compare-and-swap).</para>
/// <para type="description">-ExpectedModRevision makes the write a transaction that succeeds only while the key's ModRevision is
/// still that value, the way the API server refuses writes based on stale data (ErrorId EtcdStaleWrite otherwise).
/// -ExpectedVersion 0 creates the key only if it does not exist. Under the Kubernetes prefixes the write warns that it bypasses
/// the API server and needs -Force (or an interactive "yes"). -PassThru returns the previous value, so a mistake can be
/// undone by piping it back into Set-EtcdKey; when the write created the key, it returns an EtcdCreatedKey instead, which
/// undoes the write when piped to Remove-EtcdKey.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "EtcdKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EtcdKeyValue), typeof(EtcdCreatedKey))]
public sealed class SetEtcdKeyCommand : KeyWriteCmdlet
{
    /// <summary>The value as text (written as UTF-8).</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    public string? Value { get; set; }

    /// <summary>The value's exact bytes; wins over -Value when both are given (as when an EtcdKeyValue is piped in).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public byte[]? RawValue { get; set; }

    /// <summary>Attach the key to this lease (decimal id; 0 for none).</summary>
    [Parameter]
    public long Lease { get; set; }

    /// <summary>Write only if the key's ModRevision is still this (compare-and-swap); 0 means only if the key does not exist.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long ExpectedModRevision { get; set; } = -1;

    /// <summary>Write only if the key's Version is this; 0 creates the key only if it does not exist.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long ExpectedVersion { get; set; } = -1;

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var key = KeyBytes();
        var value = TypedTextWins(nameof(Value), nameof(RawValue))
            ? Encoding.UTF8.GetBytes(Value ?? string.Empty)
            : RawValue ?? (Value is null ? null : Encoding.UTF8.GetBytes(Value));
        if (value is null)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"No value for '{Key}': give -Value or -RawValue.", Key);
        }

        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var action = $"Set etcd key ({value.Length} bytes{(ExpectedModRevision >= 0 ? $", if ModRevision is {ExpectedModRevision}" : string.Empty)})";
        if (await ApproveAsync(key, null, action).ConfigureAwait(false))
        {
            var write = new KeyWrite(key, value)
            {
                Lease = Lease,
                ExpectedModRevision = ExpectedModRevision >= 0 ? ExpectedModRevision : null,
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
}
