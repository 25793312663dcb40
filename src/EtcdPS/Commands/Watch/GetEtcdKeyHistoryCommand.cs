using System.Management.Automation;
using EtcdPS.Commands.Keys;
using EtcdPS.Engine.Watch;

namespace EtcdPS.Commands.Watch;

/// <summary>
/// <para type="synopsis">Lists every stored version of a key, newest first, with its deletions and re-creations, down to the compaction horizon.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdKeyHistory", DefaultParameterSetName = "Key")]
[OutputType(typeof(EtcdKeyVersion))]
public sealed class GetEtcdKeyHistoryCommand : ValueDiffCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Key")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Key { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = "Resource")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesResourceCompleter))]
    public string? Resource { get; set; }

    [Parameter(ParameterSetName = "Resource")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesNamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = "Resource")]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        if (Resource is not null)
        {
            Key = (await KubernetesAddressing.ResolveAsync(connection, Resource, Namespace, Name, null, 0, cancellation).ConfigureAwait(false)).KeyText;
        }

        var reader = new KeyHistoryReader(connection, Key);
        try
        {
            var versions = KeyHistoryNoOps.MarkAsync(reader.ReadAsync(false, cancellation), cancellation);
            if (RequestedDiff is { } diff)
            {
                versions = ValueDiff.AttachAsync(versions, diff, cancellation);
            }

            await foreach (var version in versions.ConfigureAwait(false))
            {
                await (Diff ? WriteObjectAsync(version, "EtcdPS.EtcdKeyVersion#Diff") : WriteObjectAsync(version)).ConfigureAwait(false);
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
