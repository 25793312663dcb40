using System.Management.Automation;
using EtcdPS.Engine.Watch;

namespace EtcdPS.Commands.Watch;

/// <summary>
/// <para type="synopsis">Lists every stored version of a key, newest first, with its deletions and re-creations, down to the compaction horizon.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdKeyHistory")]
[OutputType(typeof(EtcdKeyVersion))]
public sealed class GetEtcdKeyHistoryCommand : EtcdCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Key { get; set; } = string.Empty;

    [Parameter]
    public SwitchParameter Diff { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var reader = new KeyHistoryReader(connection, Key);
        try
        {
            await foreach (var version in reader.ReadAsync(Diff, cancellation).ConfigureAwait(false))
            {
                await WriteObjectAsync(version).ConfigureAwait(false);
            }
        }
        catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.KeyNotFound)
        {
            // One key of many piped in: the others still get their history.
            await WriteErrorAsync(ex).ConfigureAwait(false);
            return;
        }

        if (reader.End == KeyHistoryEnd.Compacted)
        {
            await WriteWarningAsync($"The history of '{Key}' is cut at the compaction horizon (revision {reader.CompactRevision}); older versions were compacted.")
                .ConfigureAwait(false);
        }
    }
}
