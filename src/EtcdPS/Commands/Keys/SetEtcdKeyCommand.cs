using System.Management.Automation;
using System.Text;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// <para type="synopsis">Writes a key, optionally only if it did not change since it was read (compare-and-swap).</para>
/// <para type="description">-ExpectedModRevision makes the write a transaction that succeeds only while the key's ModRevision is
/// still that value, the way the API server refuses writes based on stale data (ErrorId EtcdStaleWrite otherwise).
/// -ExpectedVersion 0 creates the key only if it does not exist. Under the Kubernetes prefixes the write warns that it bypasses
/// the API server and needs -Force (or an interactive confirmation). -PassThru returns the previous value, so a mistake can be
/// undone by piping it back into Set-EtcdKey.</para>
/// </summary>
[Cmdlet(VerbsCommon.Set, "EtcdKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EtcdKeyValue))]
public sealed class SetEtcdKeyCommand : KeyWriteCmdlet
{
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [AllowNull]
    public string? Value { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyCollection]
    public byte[]? RawValue { get; set; }

    [Parameter]
    public long Lease { get; set; }

    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long ExpectedModRevision { get; set; } = -1;

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
            await WriteAsync(() => KeyWriter.PutAsync(connection, write, cancellation),
                result => $"'{Key}' written at revision {result.Revision}.").ConfigureAwait(false);
        }
    }
}
