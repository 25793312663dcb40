using System.Management.Automation;
using EtcdPS.Engine.Snapshots;

namespace EtcdPS.Commands.Snapshots;

/// <summary>
/// <para type="synopsis">Opens an etcd snapshot file as a read-only connection: every EtcdPS read command works on the backup, history included.</para>
/// </summary>
[Cmdlet(VerbsData.Mount, "EtcdSnapshot")]
[OutputType(typeof(EtcdConnection))]
public sealed class MountEtcdSnapshotCommand : AsyncPSCmdlet
{
    /// <summary>The snapshot file (Save-EtcdSnapshot, etcdctl snapshot save, or a data folder's member/snap/db with -SkipHashCheck).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The connection name (for -Connection); the file name without extension by default.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>The etcd binary to serve the copy; etcdutl (3.5+) or etcdctl (3.4) next to it restores it. etcd on PATH by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EtcdPath { get; set; }

    /// <summary>Mount a file that has no sha256 trailer (a db copied from a data folder) or whose trailer does not match.</summary>
    [Parameter]
    public SwitchParameter SkipHashCheck { get; set; }

    /// <summary>Make the mounted snapshot the session's default connection.</summary>
    [Parameter]
    public SwitchParameter Default { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        var path = await ResolvePathAsync(Path).ConfigureAwait(false);
        var name = Name ?? System.IO.Path.GetFileNameWithoutExtension(path);
        var progress = new SnapshotProgressReporter($"Mounting {path} as '{name}'", ReportProgress);
        var connection = await MountedSnapshot.MountAsync(new SnapshotMountOptions
        {
            Path = path,
            Name = name,
            EtcdPath = EtcdPath is null ? null : await ResolvePathAsync(EtcdPath).ConfigureAwait(false),
            SkipHashCheck = SkipHashCheck,
        }, progress, cancellation).ConfigureAwait(false);
        progress.Complete();
        Connections.Add(connection, makeDefault: Default);
        await WriteVerboseAsync($"Mounted '{path}' as '{name}' (read-only) on {connection.Endpoints[0]}; Dismount-EtcdSnapshot {name} removes it.").ConfigureAwait(false);
        await WriteObjectAsync(connection).ConfigureAwait(false);
    }
}
