using System.Net;
using EtcdPS.Engine.Cluster;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Keys;
using Etcdserverpb;

namespace EtcdPS.Engine.Snapshots;

/// <summary>
/// Get-EtcdSnapshotInfo: checks the file, restores it into a private temp folder, reads its revision, compact
/// revision, key count and the bytes per Kubernetes resource from a throwaway member, and removes all of it again.
/// A file without a trailer (or with a wrong one) is still read: the result says so.
/// </summary>
internal static class SnapshotInspector
{
    public static async Task<EtcdSnapshotFileInfo> InspectAsync(string path, string? etcdPath, NetworkCredential? credential,
        IProgress<SnapshotMountProgress>? progress, CancellationToken cancellation)
    {
        using var mount = await MountedSnapshot.StartAsync(new SnapshotMountOptions { Path = path, Name = "snapshot-info", EtcdPath = etcdPath },
            requireTrailer: false, progress, cancellation).ConfigureAwait(false);
        progress?.Report(new("Counting keys per resource", 0, 0));
        using var connection = await mount.ConnectAsync("snapshot-info", credential, tunnel: false, cancellation).ConfigureAwait(false);
        var status = await connection.CallAsync((c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync, cancellation).ConfigureAwait(false);
        var revision = status.Header.Revision;
        var compacted = await CompactRevisionProbe.FindAsync(connection, connection.Clients[0], revision, cancellation).ConfigureAwait(false);
        var meter = new KeyUsageMeter(connection, new KeyQuery { Range = KeyRange.Prefix(string.Empty), Revision = revision }, KeyGrouping.Resource, 0);
        var resources = await meter.MeasureAsync(cancellation).ConfigureAwait(false);
        return new EtcdSnapshotFileInfo
        {
            Path = path,
            Size = mount.File.Size,
            Sha256 = mount.File.Sha256,
            HasHashTrailer = mount.File.HasHashTrailer,
            HashValid = mount.File.HashValid,
            Revision = revision,
            CompactRevision = compacted,
            TotalKeys = resources.Sum(r => r.Count),
            TotalBytes = resources.Sum(r => r.Bytes),
            EtcdVersion = mount.File.EtcdVersion,
            Resources = [.. resources],
            RestoreTool = Path.GetFileName(mount.RestoreTool),
        };
    }
}
