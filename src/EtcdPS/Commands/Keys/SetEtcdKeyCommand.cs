using System.Management.Automation;
using System.Text;
using EtcdPS.Engine.Writes;

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
public sealed class SetEtcdKeyCommand : EtcdCmdlet
{
    /// <summary>The key.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Key { get; set; } = string.Empty;

    /// <summary>The key's exact bytes (binary keys); wins over -Key when both are given.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public byte[]? RawKey { get; set; }

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

    /// <summary>The prefixes treated as Kubernetes' (default /registry/ and /kubernetes.io/).</summary>
    [Parameter]
    public string[] KubernetesPrefix { get; set; } = KubernetesWriteGuard.DefaultPrefixes;

    /// <summary>Write under a Kubernetes prefix without the extra confirmation.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Output the previous value (nothing when the key did not exist).</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private HashSet<string> _typed = [];

    /// <inheritdoc />
    protected override Task BeginProcessingAsync(CancellationToken cancellation)
    {
        // Only parameters typed on the command line are bound yet: they win over properties of piped objects,
        // so `$kv | Set-EtcdKey -Value new` writes "new", not the piped RawValue.
        _typed = [.. MyInvocation.BoundParameters.Keys];
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var key = KeyWriter.KeyBytes(Key, _typed.Contains(nameof(Key)) && !_typed.Contains(nameof(RawKey)) ? null : RawKey);
        var value = _typed.Contains(nameof(Value)) && !_typed.Contains(nameof(RawValue))
            ? Encoding.UTF8.GetBytes(Value ?? string.Empty)
            : RawValue ?? (Value is null ? null : Encoding.UTF8.GetBytes(Value));
        if (value is null)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"No value for '{Key}': give -Value or -RawValue.", Key);
        }

        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var kubernetes = KeyWriter.Touches(key, null, KubernetesPrefix);
        if (kubernetes)
        {
            await WriteWarningAsync(KubernetesWriteGuard.Warning).ConfigureAwait(false);
        }

        var action = $"Set etcd key ({value.Length} bytes{(ExpectedModRevision >= 0 ? $", if ModRevision is {ExpectedModRevision}" : string.Empty)})";
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

        var write = new KeyWrite(key, value)
        {
            Lease = Lease,
            ExpectedModRevision = ExpectedModRevision >= 0 ? ExpectedModRevision : null,
            ExpectedVersion = ExpectedVersion >= 0 ? ExpectedVersion : null,
        };
        try
        {
            var result = await KeyWriter.PutAsync(connection, write, cancellation).ConfigureAwait(false);
            await WriteVerboseAsync($"'{Key}' written at revision {result.Revision}.").ConfigureAwait(false);
            if (PassThru)
            {
                await WriteObjectAsync(result.Previous, enumerate: true).ConfigureAwait(false);
            }
        }
        catch (EtcdException ex) when (ex.ErrorId is EtcdErrorIds.StaleWrite or EtcdMaintenanceErrorIds.KeyExists)
        {
            // Per key: the rest of a piped batch still goes on.
            await WriteErrorAsync(ex).ConfigureAwait(false);
        }
    }
}
