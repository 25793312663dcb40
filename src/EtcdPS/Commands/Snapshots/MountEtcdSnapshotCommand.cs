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
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EtcdPath { get; set; }

    [Parameter]
    public SwitchParameter SkipHashCheck { get; set; }

    [Parameter]
    public SwitchParameter Default { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

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
            Credential = Credential?.GetNetworkCredential(),
        }, progress, cancellation).ConfigureAwait(false);
        progress.Complete();
        Connections.Add(connection, makeDefault: Default);
        await WriteVerboseAsync($"Mounted '{path}' as '{name}' (read-only) on {connection.Endpoints[0]}; Dismount-EtcdSnapshot {name} removes it.").ConfigureAwait(false);
        await WriteObjectAsync(connection).ConfigureAwait(false);
    }
}
