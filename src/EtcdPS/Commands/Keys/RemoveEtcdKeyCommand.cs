using System.Management.Automation;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// <para type="synopsis">Deletes a key, or with -Prefix every key under a prefix, and says how many keys it deleted.</para>
/// <para type="description">Outputs an EtcdDeleteResult (Key, RangeEnd, Deleted, Revision), the count etcdctl del prints;
/// with -PassThru the deleted keys with their values instead (only then does etcd send the old values). A prefix delete
/// counts the keys first and asks, naming the range and the count, unless -Force or -Confirm:$false; a session where
/// nobody can answer gets EtcdConfirmationRequired. Keys piped in by property name (Key, RawKey, ExpectedModRevision)
/// are deleted one by one, so Get-EtcdKey /tmp/x -Prefix | Remove-EtcdKey -WhatIf lists what would go. Under the
/// Kubernetes prefixes the delete warns that it bypasses the API server and needs -Force or a "yes" (default No).</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "EtcdKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EtcdDeleteResult), typeof(EtcdKeyValue))]
public sealed class RemoveEtcdKeyCommand : KeyWriteCmdlet
{
    [Parameter]
    public SwitchParameter Prefix { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateRange(0, long.MaxValue)]
    public long ExpectedModRevision { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        if (Prefix && ExpectedModRevision > 0)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                "-ExpectedModRevision applies to one key, not to a -Prefix range.", Key);
        }

        var key = KeyBytes();
        var rangeEnd = Prefix ? KeyRange.PrefixEnd(key) : null;
        var connection = await GetWritableConnectionAsync(cancellation).ConfigureAwait(false);
        var action = "Remove etcd key";
        if (Prefix)
        {
            var count = await KeyWriter.CountAsync(connection, key, rangeEnd, cancellation).ConfigureAwait(false);
            action = $"Remove {count} key(s) in {new KeyRange(key, rangeEnd!)}: every key whose name starts with '{Key}'";
        }

        if (!await ApproveAsync(key, rangeEnd, action, isRange: Prefix).ConfigureAwait(false))
        {
            return;
        }

        // A piped object's ExpectedModRevision is about its own key: it does not apply when -Key names another one.
        var keyTyped = IsTyped(nameof(Key)) || IsTyped(nameof(RawKey));
        var expectedModRevision = keyTyped && !IsTyped(nameof(ExpectedModRevision)) ? 0 : ExpectedModRevision;
        long? expected = expectedModRevision > 0 ? expectedModRevision : null;
        var result = await WriteAsync(() => KeyWriter.DeleteAsync(connection, key, rangeEnd, expected, cancellation, previousValues: PassThru),
            done => $"{done.Deleted} key(s) deleted at revision {done.Revision}.").ConfigureAwait(false);
        if (result is not null && !PassThru)
        {
            await WriteObjectAsync(new EtcdDeleteResult
            {
                Key = ValueKinds.KeyToText(key),
                RangeEnd = rangeEnd is null ? null : ValueKinds.KeyToText(rangeEnd),
                Deleted = result.Deleted,
                Revision = result.Revision,
            }).ConfigureAwait(false);
        }
    }
}
