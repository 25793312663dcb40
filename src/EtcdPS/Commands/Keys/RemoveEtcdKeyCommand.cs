using System.Management.Automation;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// <para type="synopsis">Deletes a key, or with -Prefix every key under a prefix, returning the deleted values with -PassThru.</para>
/// <para type="description">Keys piped in by property name (Key, RawKey) are deleted one by one, so
/// Get-EtcdKey /tmp/x -Prefix | Remove-EtcdKey -WhatIf lists what would go. Under the Kubernetes prefixes the delete warns
/// that it bypasses the API server and needs -Force (or an interactive confirmation).</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "EtcdKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EtcdKeyValue))]
public sealed class RemoveEtcdKeyCommand : KeyWriteCmdlet
{
    [Parameter]
    public SwitchParameter Prefix { get; set; }

    [Parameter]
    [ValidateRange(1, long.MaxValue)]
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
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var action = "Remove etcd key";
        if (Prefix)
        {
            var count = await KeyWriter.CountAsync(connection, key, rangeEnd, cancellation).ConfigureAwait(false);
            action = $"Remove the {count} etcd key(s) under the prefix";
        }

        if (await ApproveAsync(key, rangeEnd, action).ConfigureAwait(false))
        {
            long? expected = ExpectedModRevision > 0 ? ExpectedModRevision : null;
            await WriteAsync(() => KeyWriter.DeleteAsync(connection, key, rangeEnd, expected, cancellation),
                result => $"{result.Deleted} key(s) deleted at revision {result.Revision}.").ConfigureAwait(false);
        }
    }
}
