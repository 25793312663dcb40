using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Engine.Snapshots;

/// <summary>What Mount-EtcdSnapshot is asked for.</summary>
internal sealed record SnapshotMountOptions
{
    /// <summary>The snapshot file (a full path).</summary>
    public required string Path { get; init; }
    /// <summary>The connection name.</summary>
    public required string Name { get; init; }
    /// <summary>The etcd binary; the restore tool is taken from its folder. Found on PATH when null.</summary>
    public string? EtcdPath { get; init; }
    /// <summary>Mount a database without (or with a wrong) sha256 trailer.</summary>
    public bool SkipHashCheck { get; init; }
    /// <summary>A user of the snapshot's own cluster, for a snapshot taken with authentication enabled.</summary>
    public NetworkCredential? Credential { get; init; }
}

/// <summary>A step of mounting, for progress: what happens now and, while the file is read, how far.</summary>
internal readonly record struct SnapshotMountProgress(string Step, long Done, long Total);

/// <summary>
/// A snapshot restored into a private temp folder and served by one throwaway etcd member on free loopback ports.
/// Disposing it (with its connection, by Dismount-EtcdSnapshot or Disconnect-Etcd, when the runspace closes, or when
/// the process exits) stops the member and deletes the folder: nothing is left running or on disk.
/// </summary>
internal sealed class MountedSnapshot : IDisposable
{
    private static readonly ConcurrentDictionary<MountedSnapshot, byte> s_live = new();
    private EtcdServer? _server;
    private int _disposed;

    static MountedSnapshot()
    {
        // pwsh exiting with snapshots still mounted: stop their members and delete their folders.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var mount in s_live.Keys)
            {
                mount.Dispose();
            }
        };
    }

    private MountedSnapshot(string folder, SnapshotFileCheck file, string restoreTool)
    {
        Folder = folder;
        File = file;
        RestoreTool = restoreTool;
        s_live.TryAdd(this, 0);
    }

    /// <summary>The private temp folder holding the restored data.</summary>
    public string Folder { get; }

    /// <summary>What the file check found.</summary>
    public SnapshotFileCheck File { get; }

    /// <summary>The tool that restored the snapshot (etcdutl or etcdctl).</summary>
    public string RestoreTool { get; }

    /// <summary>The member's client URL.</summary>
    public string ClientUrl => _server!.ClientUrls[0];

    /// <summary>Checks, restores and starts a snapshot (without a connection: Get-EtcdSnapshotInfo and MountAsync use it).</summary>
    public static async Task<MountedSnapshot> StartAsync(SnapshotMountOptions options, bool requireTrailer, IProgress<SnapshotMountProgress>? progress,
        CancellationToken cancellation)
    {
        var etcd = EtcdServer.FindEtcd(options.EtcdPath);
        var tool = FindRestoreTool(etcd);
        var check = await SnapshotFile.CheckAsync(options.Path, requireTrailer,
            progress is null ? null : new InlineProgress(p => progress.Report(new("Verifying the file", p.Done, p.Total))),
            cancellation).ConfigureAwait(false);
        var folder = CreatePrivateFolder();
        var mount = new MountedSnapshot(folder, check, tool);
        try
        {
            progress?.Report(new($"Restoring with {System.IO.Path.GetFileName(tool)}", 0, 0));
            await RestoreAsync(tool, options.Path, System.IO.Path.Combine(folder, "etcd-0"), !requireTrailer || !check.HasHashTrailer || check.HashValid != true,
                cancellation).ConfigureAwait(false);
            progress?.Report(new("Starting a throwaway etcd member", 0, 0));
            try
            {
                mount._server = await EtcdServer.StartAsync(new EtcdServerOptions { DataPath = folder, EtcdPath = etcd }, cancellation).ConfigureAwait(false);
            }
            catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.LabStartFailed)
            {
                throw new EtcdException(EtcdErrorIds.SnapshotRestoreFailed, EtcdErrorCategory.InvalidData,
                    $"etcd did not start on the restored copy of '{options.Path}': {LastLines(System.IO.Path.Combine(folder, "etcd-0.log"))}", options.Path,
                    "The database is damaged or from an etcd version this etcd cannot read; try another copy, or -EtcdPath with a newer etcd.", ex);
            }

            return mount;
        }
        catch
        {
            mount.Dispose();
            throw;
        }
    }

    /// <summary>Mounts a snapshot and opens a read-only connection to it; the connection owns the mount.</summary>
    public static async Task<EtcdConnection> MountAsync(SnapshotMountOptions options, IProgress<SnapshotMountProgress>? progress, CancellationToken cancellation)
    {
        var mount = await StartAsync(options, !options.SkipHashCheck, progress, cancellation).ConfigureAwait(false);
        try
        {
            return await mount.ConnectAsync(options.Name, options.Credential, tunnel: true, cancellation).ConfigureAwait(false);
        }
        catch
        {
            mount.Dispose();
            throw;
        }
    }

    /// <summary>Connection options for this member (read-only).</summary>
    private EtcdConnectionOptions ConnectionOptions(string name, NetworkCredential? credential) => new()
    {
        Endpoints = [ClientUrl],
        Name = name,
        ReadOnlySnapshot = File.Path,
        DialTimeout = TimeSpan.FromSeconds(5),
        Credential = credential,
    };

    /// <summary>
    /// Connects to this member (read-only). A snapshot keeps the auth state of its cluster: when authentication was
    /// enabled there, its users and roles came with it, and the copy answers only to one of them.
    /// </summary>
    public async Task<EtcdConnection> ConnectAsync(string name, NetworkCredential? credential, bool tunnel, CancellationToken cancellation)
    {
        try
        {
            var result = await EtcdConnector.ConnectAsync(ConnectionOptions(name, credential), cancellation, tunnel: tunnel ? this : null).ConfigureAwait(false);
            return result.Connection;
        }
        catch (EtcdException ex) when (ex.ErrorId is EtcdErrorIds.AuthRequired or EtcdErrorIds.AuthFailed)
        {
            var why = credential is null
                ? "comes from a cluster with authentication enabled, and its users and roles came with it: the copy answers only to one of them"
                : $"comes from a cluster with authentication enabled, and its copy rejected the user name or password of '{credential.UserName}'";
            throw new EtcdException(ex.ErrorId, ex.Category, $"The snapshot '{File.Path}' {why}.", File.Path,
                "Give -Credential of a user of the cluster the snapshot was taken from, as it was then (root reads every key): -Credential (Get-Credential root).",
                ex);
        }
    }

    /// <summary>Stops the member and deletes the folder.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        s_live.TryRemove(this, out _);
        _server?.Dispose();
        for (var attempt = 0; attempt < 5 && Directory.Exists(Folder); attempt++)
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The member may still release its files for a moment after it was killed.
                Thread.Sleep(100);
            }
        }
    }

    /// <summary>etcdutl (etcd 3.5+) or else etcdctl (3.4) from the etcd binary's folder: the restore tool must match the etcd that serves the copy.</summary>
    internal static string FindRestoreTool(string etcd)
    {
        var folder = System.IO.Path.GetDirectoryName(etcd) ?? ".";
        var exe = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? ".exe" : string.Empty;
        foreach (var name in new[] { "etcdutl", "etcdctl" })
        {
            var candidate = System.IO.Path.Combine(folder, name + exe);
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new EtcdException(EtcdErrorIds.NotInstalled, EtcdErrorCategory.ObjectNotFound,
            $"Neither etcdutl nor etcdctl is next to '{etcd}': a snapshot is restored with the tool of the etcd that serves it.", etcd,
            "Install the etcd client tools next to etcd (Debian: apt-get install etcd-client), or give -EtcdPath of an etcd that has them.");
    }

    private static string CreatePrivateFolder()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "etcdps-snapshot-" + Guid.NewGuid().ToString("n")[..12]);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            // The restored copy holds every Secret of the cluster: only the user may read it.
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }

    private static async Task RestoreAsync(string tool, string snapshot, string dataDir, bool skipHashCheck, CancellationToken cancellation)
    {
        // The member URL written into the restored membership is never dialed: a single member has no peers, and the
        // member is started on free ports of its own.
        var start = new ProcessStartInfo(tool)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            "snapshot", "restore", snapshot, "--data-dir", dataDir, "--name", "etcd-0",
            "--initial-cluster", "etcd-0=http://127.0.0.1:2380", "--initial-advertise-peer-urls", "http://127.0.0.1:2380",
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (skipHashCheck)
        {
            start.ArgumentList.Add("--skip-hash-check");
        }

        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("ETCD", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ETCDCTL_API"] = "3";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("The restore tool did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var errors = process.StandardError.ReadToEndAsync(cancellation);
        try
        {
            await process.WaitForExitAsync(cancellation).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = (await output.ConfigureAwait(false)) + (await errors.ConfigureAwait(false));
        if (process.ExitCode != 0)
        {
            throw new EtcdException(EtcdErrorIds.SnapshotRestoreFailed, EtcdErrorCategory.InvalidData,
                $"{System.IO.Path.GetFileName(tool)} could not restore '{snapshot}': {LastLines(text, fromFile: false)}", snapshot,
                "The database is damaged or not an etcd snapshot; try another copy.");
        }
    }

    private static string LastLines(string textOrPath, bool fromFile = true)
    {
        string text;
        try
        {
            text = fromFile ? (System.IO.File.Exists(textOrPath) ? System.IO.File.ReadAllText(textOrPath) : string.Empty) : textOrPath;
        }
        catch (IOException)
        {
            text = string.Empty;
        }

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no output)" : string.Join(" ", lines.TakeLast(2));
    }

    // Progress<T> posts each report to the thread pool: the verify step's last report could arrive after the restore
    // had begun (out of order in Write-Progress). Reports are passed on in the caller's order instead.
    private sealed class InlineProgress(Action<(long Done, long Total)> report) : IProgress<(long Done, long Total)>
    {
        public void Report((long Done, long Total) value) => report(value);
    }
}
