using System.Management.Automation;
using EtcdPS.Engine.Writes;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// <para type="synopsis">Deletes a key, or with -Prefix every key under a prefix, returning the deleted values with -PassThru.</para>
/// <para type="description">Keys piped in by property name (Key, RawKey) are deleted one by one, so
/// Get-EtcdKey /tmp/x -Prefix | Remove-EtcdKey -WhatIf lists what would go. Under the Kubernetes prefixes the delete warns
/// that it bypasses the API server and needs -Force (or an interactive confirmation).</para>
/// </summary>
[Cmdlet(VerbsCommon.Remove, "EtcdKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(EtcdKeyValue))]
public sealed class RemoveEtcdKeyCommand : EtcdCmdlet
{
    /// <summary>The key (with -Prefix: the prefix).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Key { get; set; } = string.Empty;

    /// <summary>The key's exact bytes (binary keys); wins over -Key when both are given.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public byte[]? RawKey { get; set; }

    /// <summary>Delete every key that starts with -Key.</summary>
    [Parameter]
    public SwitchParameter Prefix { get; set; }

    /// <summary>Delete only if the key's ModRevision is still this (a single key only).</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long ExpectedModRevision { get; set; }

    /// <summary>The prefixes treated as Kubernetes' (default /registry/ and /kubernetes.io/).</summary>
    [Parameter]
    public string[] KubernetesPrefix { get; set; } = KubernetesWriteGuard.DefaultPrefixes;

    /// <summary>Delete under a Kubernetes prefix without the extra confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Output the deleted keys with the values they had.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private HashSet<string> _typed = [];

    /// <inheritdoc />
    protected override Task BeginProcessingAsync(CancellationToken cancellation)
    {
        // A -Key typed on the command line wins over the RawKey of a piped object.
        _typed = [.. MyInvocation.BoundParameters.Keys];
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        if (Prefix && ExpectedModRevision > 0)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                "-ExpectedModRevision applies to one key, not to a -Prefix range.", Key);
        }

        var key = KeyWriter.KeyBytes(Key, _typed.Contains(nameof(Key)) && !_typed.Contains(nameof(RawKey)) ? null : RawKey);
        var rangeEnd = Prefix ? KeyWriter.PrefixEnd(key) : null;
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var kubernetes = KeyWriter.Touches(key, rangeEnd, KubernetesPrefix);
        if (kubernetes)
        {
            await WriteWarningAsync(KubernetesWriteGuard.Warning).ConfigureAwait(false);
        }

        var action = "Remove etcd key";
        if (Prefix)
        {
            var count = await KeyWriter.CountAsync(connection, key, rangeEnd, cancellation).ConfigureAwait(false);
            action = $"Remove the {count} etcd key(s) under the prefix";
        }

        if (!await ShouldProcessAsync(Key, action).ConfigureAwait(false))
        {
            return;
        }

        if (kubernetes && !Force)
        {
            if (!KubernetesWriteGuard.IsInteractive(Host)
                || !await ShouldContinueAsync($"{KubernetesWriteGuard.Question} ({Key})", "Kubernetes key").ConfigureAwait(false))
            {
                await WriteErrorAsync(KubernetesWriteGuard.NeedsForce(Key)).ConfigureAwait(false);
                return;
            }
        }

        try
        {
            var result = await KeyWriter.DeleteAsync(connection, key, rangeEnd, ExpectedModRevision > 0 ? ExpectedModRevision : null, cancellation)
                .ConfigureAwait(false);
            await WriteVerboseAsync($"{result.Deleted} key(s) deleted at revision {result.Revision}.").ConfigureAwait(false);
            if (PassThru)
            {
                await WriteObjectAsync(result.Previous, enumerate: true).ConfigureAwait(false);
            }
        }
        catch (EtcdException ex) when (ex.ErrorId is EtcdErrorIds.StaleWrite)
        {
            await WriteErrorAsync(ex).ConfigureAwait(false);
        }
    }
}
