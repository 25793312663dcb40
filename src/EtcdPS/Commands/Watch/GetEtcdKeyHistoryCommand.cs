using System.Management.Automation;
using EtcdPS.Commands.Keys;
using EtcdPS.Engine.Watch;

namespace EtcdPS.Commands.Watch;

/// <summary>
/// <para type="synopsis">Lists every stored version of a key, newest first, with its deletions and re-creations, down to the compaction horizon.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdKeyHistory", DefaultParameterSetName = "Key")]
[OutputType(typeof(EtcdKeyVersion))]
public sealed class GetEtcdKeyHistoryCommand : EtcdCmdlet
{
    /// <summary>The key whose history to list.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = "Key")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Key { get; set; } = string.Empty;

    /// <summary>Instead of a key: the Kubernetes resource (pods, deployments.apps, a custom resource's plural).</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Resource")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesResourceCompleter))]
    public string? Resource { get; set; }

    /// <summary>With -Resource: the namespace of the object (namespaced resources).</summary>
    [Parameter(ParameterSetName = "Resource")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesNamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>With -Resource: the one object of this name.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Resource")]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Add to each version what changed from the version before it (Diff: "- old" and "+ new" lines).</summary>
    [Parameter]
    public SwitchParameter Diff { get; set; }

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
            await foreach (var version in KeyHistoryNoOps.MarkAsync(reader.ReadAsync(Diff, cancellation), cancellation).ConfigureAwait(false))
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
