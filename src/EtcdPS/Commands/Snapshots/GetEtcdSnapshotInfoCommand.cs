using System.Management.Automation;
using EtcdPS.Engine.Snapshots;

namespace EtcdPS.Commands.Snapshots;

/// <summary>
/// <para type="synopsis">Tells what a snapshot file holds: integrity (sha256 trailer), revision, keys, etcd version and the Kubernetes resources inside.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "EtcdSnapshotInfo")]
[OutputType(typeof(EtcdSnapshotFileInfo))]
public sealed class GetEtcdSnapshotInfoCommand : AsyncPSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EtcdPath { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var etcd = EtcdPath is null ? null : await ResolvePathAsync(EtcdPath).ConfigureAwait(false);
        foreach (var item in Path)
        {
            var paths = await ResolvePathsAsync(item).ConfigureAwait(false);
            if (paths.Count == 0)
            {
                await WriteErrorAsync(new EtcdException(EtcdErrorIds.SnapshotNotFound, EtcdErrorCategory.ObjectNotFound,
                    $"No file matches '{item}'.", item, "Check the path and the wildcard; Get-ChildItem shows what is there.")).ConfigureAwait(false);
            }

            foreach (var path in paths)
            {
                await InspectAsync(path, etcd, cancellation).ConfigureAwait(false);
            }
        }
    }

    private async Task InspectAsync(string path, string? etcd, CancellationToken cancellation)
    {
        var progress = new SnapshotProgressReporter($"Reading {path}", ReportProgress);
        try
        {
            var info = await SnapshotInspector.InspectAsync(path, etcd, Credential?.GetNetworkCredential(), progress, cancellation).ConfigureAwait(false);
            if (info.HashValid == false)
            {
                await WriteWarningAsync($"'{path}' does not match its sha256 trailer: the file is corrupt; the figures are what etcd could still read.").ConfigureAwait(false);
            }

            await WriteObjectAsync(info).ConfigureAwait(false);
        }
        catch (EtcdException ex)
        {
            // One bad file of many: the others are still read.
            await WriteErrorAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            progress.Complete();
        }
    }
}
