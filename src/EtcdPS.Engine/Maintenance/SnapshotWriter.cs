using System.Diagnostics;
using System.Security.Cryptography;
using Etcdserverpb;
using EtcdPS.Engine.Cluster;
using Grpc.Core;

namespace EtcdPS.Engine.Maintenance;

/// <summary>Bytes received so far and, when the member said so, the total.</summary>
internal readonly record struct SnapshotProgress(long Received, long Total);

/// <summary>
/// Streams a member's snapshot to <c>&lt;path&gt;.part</c> and renames it to the final path only after the
/// sha256 etcd appends (the last 32 bytes: the hash of everything before them) matched what was received.
/// Any failure or cancellation deletes the partial file, so the final name only ever holds a verified snapshot.
/// The partial file is created new (never over someone else's, which also keeps two saves to one path apart), readable
/// by its owner only (0600, as etcdctl: a Kubernetes snapshot holds every Secret), and flushed to disk before the rename.
/// The stream is hashed and written chunk by chunk: memory stays flat whatever the database size.
/// </summary>
internal static class SnapshotWriter
{
    private const int HashLength = 32;

    public static string PartialPath(string path) => path + ".part";

    public static async Task<EtcdSnapshotInfo> SaveAsync(EtcdConnection connection, string path, bool overwrite, string? endpoint,
        IProgress<SnapshotProgress>? progress, CancellationToken cancellation)
    {
        if (File.Exists(path) && !overwrite)
        {
            throw new EtcdException(EtcdErrorIds.FileExists, EtcdErrorCategory.ResourceExists,
                $"The file '{path}' exists already; it was left untouched.", path, "Give another -Path, or -Force to replace it.");
        }

        var (source, client, status) = await PickMemberAsync(connection, endpoint, cancellation).ConfigureAwait(false);
        // A member outside the connection's endpoints is reached through a connection of its own, closed when done.
        using var own = source == connection ? null : source;
        var partial = PartialPath(path);
        var watch = Stopwatch.StartNew();
        var created = false;
        try
        {
            await using var file = CreatePartial(partial, path);
            created = true;
            var (size, sha) = await ReceiveAsync(source, client, file, progress, cancellation).ConfigureAwait(false);
            await file.DisposeAsync().ConfigureAwait(false);
            File.Move(partial, path, overwrite);
            return new EtcdSnapshotInfo
            {
                Path = path,
                Size = size,
                Revision = status.Header.Revision,
                Sha256 = Convert.ToHexString(sha).ToLowerInvariant(),
                Endpoint = client.Name,
                Took = watch.Elapsed.TotalMilliseconds,
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (created)
            {
                TryDelete(partial);
            }

            throw new EtcdException(EtcdErrorIds.SnapshotFailed, EtcdErrorCategory.ResourceUnavailable,
                $"The snapshot could not be written to '{path}': {ex.Message}", path,
                "Check that the folder exists, is writable and has room for the whole database.", ex);
        }
        catch
        {
            if (created)
            {
                TryDelete(partial);
            }

            throw;
        }
    }

    /// <summary>Creates <paramref name="partial"/> new, owner-only; refuses (and leaves alone) one that exists.</summary>
    private static FileStream CreatePartial(string partial, string path)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 1 << 16,
            Options = FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            return new FileStream(partial, options);
        }
        catch (IOException) when (File.Exists(partial))
        {
            throw new EtcdException(EtcdErrorIds.SnapshotPartialExists, EtcdErrorCategory.ResourceExists,
                $"'{partial}' exists already: another Save-EtcdSnapshot to '{path}' is running, or one was interrupted. It was left untouched.",
                partial, $"Wait for the other save, or delete '{partial}' if no save is running, then try again; or give another -Path.");
        }
    }

    /// <summary>
    /// The member to stream from: the one asked for (a member name or client URL, resolved like Invoke-EtcdDefragmentation
    /// -Endpoint; one outside the connection's endpoints gets a connection of its own, returned as the source), else the
    /// first endpoint of the connection that answers a status call.
    /// </summary>
    private static async Task<(EtcdConnection Source, Connection.EndpointClient Client, StatusResponse Status)> PickMemberAsync(
        EtcdConnection connection, string? endpoint, CancellationToken cancellation)
    {
        var source = connection;
        IReadOnlyList<Connection.EndpointClient> candidates = connection.Clients;
        if (endpoint is not null)
        {
            var members = await ClusterInspector.ListMembersFromAnyAsync(connection, cancellation).ConfigureAwait(false);
            var url = MemberEndpoints.Resolve(connection, members, endpoint);
            var ownClient = connection.Clients.FirstOrDefault(c => MemberEndpoints.SameEndpoint(c.Name, url));
            source = ownClient is null ? connection.WithEndpoints([url]) : connection;
            candidates = [ownClient ?? source.Clients[0]];
        }

        try
        {
            EtcdException? last = null;
            foreach (var client in candidates)
            {
                try
                {
                    var status = await source.CallEndpointAsync(client, (c, o) => c.Maintenance.StatusAsync(new StatusRequest(), o).ResponseAsync,
                        cancellation).ConfigureAwait(false);
                    return (source, client, status);
                }
                catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.Unavailable)
                {
                    last = ex;
                }
            }

            throw last!;
        }
        catch when (source != connection)
        {
            source.Dispose();
            throw;
        }
    }

    private static async Task<(long Size, byte[] Sha)> ReceiveAsync(EtcdConnection connection, Connection.EndpointClient client, FileStream file,
        IProgress<SnapshotProgress>? progress, CancellationToken cancellation)
    {
        // The stream itself never renews an expired token (only unary calls do, and Status needs none before 3.5.28):
        // renew it first, so an idle connection older than the token TTL still saves.
        await connection.EnsureFreshTokenAsync(client, cancellation).ConfigureAwait(false);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // The last 32 bytes seen so far: they may turn out to be the trailer, so they are hashed only once more data follows.
        var tail = new byte[HashLength];
        var tailLength = 0;
        long received = 0;
        {
            try
            {
                using var call = client.Maintenance.Snapshot(new SnapshotRequest(), connection.CallOptions(cancellation, Timeout.InfiniteTimeSpan));
                while (await call.ResponseStream.MoveNext(cancellation).ConfigureAwait(false))
                {
                    var response = call.ResponseStream.Current;
                    var chunk = response.Blob.Memory;
                    await file.WriteAsync(chunk, cancellation).ConfigureAwait(false);
                    received += chunk.Length;
                    Absorb(hash, tail, ref tailLength, chunk.Span);
                    progress?.Report(new SnapshotProgress(received, received + (long)response.RemainingBytes));
                }
            }
            catch (RpcException ex) when (cancellation.IsCancellationRequested)
            {
                throw new OperationCanceledException("The snapshot was cancelled.", ex, cancellation);
            }
            catch (RpcException ex)
            {
                throw EtcdErrors.FromRpc(ex, client.Name, client.UsesTls);
            }

            await file.FlushAsync(cancellation).ConfigureAwait(false);
            // fsync before the rename: a snapshot reported as verified survives a power cut.
            file.Flush(flushToDisk: true);
        }

        if (tailLength < HashLength)
        {
            throw new EtcdException(EtcdErrorIds.SnapshotFailed, EtcdErrorCategory.InvalidData,
                $"The snapshot stream from {client.Name} ended after {received} bytes, too short to hold etcd's checksum.", client.Name,
                "Try again, or take the snapshot from another member with -Endpoint.");
        }

        var computed = hash.GetHashAndReset();
        if (!CryptographicOperations.FixedTimeEquals(computed, tail))
        {
            throw new EtcdException(EtcdErrorIds.SnapshotChecksumMismatch, EtcdErrorCategory.InvalidData,
                $"The snapshot from {client.Name} is corrupt: its sha256 trailer does not match the {received - HashLength} bytes received.",
                client.Name, "Try again, or take the snapshot from another member with -Endpoint.");
        }

        return (received, computed);
    }

    /// <summary>Hashes all but the last 32 bytes of everything absorbed so far, keeping those 32 in <paramref name="tail"/>.</summary>
    internal static void Absorb(IncrementalHash hash, byte[] tail, ref int tailLength, ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length >= HashLength)
        {
            hash.AppendData(tail.AsSpan(0, tailLength));
            hash.AppendData(chunk[..^HashLength]);
            chunk[^HashLength..].CopyTo(tail);
            tailLength = HashLength;
            return;
        }

        var overflow = tailLength + chunk.Length - HashLength;
        if (overflow > 0)
        {
            hash.AppendData(tail.AsSpan(0, overflow));
            Buffer.BlockCopy(tail, overflow, tail, 0, tailLength - overflow);
            tailLength -= overflow;
        }

        chunk.CopyTo(tail.AsSpan(tailLength));
        tailLength += chunk.Length;
    }

    private static void TryDelete(string partial)
    {
        try
        {
            File.Delete(partial);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
