using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace EtcdPS.Engine.Snapshots;

/// <summary>What a look at a snapshot file found, before anything is restored.</summary>
internal sealed record SnapshotFileCheck(string Path, long Size, bool HasHashTrailer, bool? HashValid, string Sha256, string? EtcdVersion);

/// <summary>
/// Checks a snapshot file the way <c>etcdutl snapshot restore</c> will, but with errors that say what is wrong: the
/// file must be a bbolt database (magic 0xED0CDAED in its first meta page); a snapshot saved by etcd (Save-EtcdSnapshot,
/// <c>etcdctl snapshot save</c>) ends with a 32-byte sha256 of everything before it, which is present exactly when
/// the size is 32 more than a multiple of 512 (etcd's own test); a database copied from a data folder
/// (<c>member/snap/db</c>) has none and is a whole number of pages. The file is read once, in chunks, with progress.
/// </summary>
internal static class SnapshotFile
{
    private const int HashLength = 32;
    private const uint BoltMagic = 0xED0CDAED;
    private static readonly byte[] s_clusterVersion = "clusterVersion"u8.ToArray();
    private static readonly byte[] s_storageVersion = "storageVersion"u8.ToArray();

    /// <summary>Reads and checks the file.</summary>
    /// <param name="path">The file.</param>
    /// <param name="requireTrailer">Fail when there is no sha256 trailer or it does not match (Mount without -SkipHashCheck).</param>
    /// <param name="progress">Bytes read so far and the file size.</param>
    /// <param name="cancellation">Stops the check.</param>
    public static async Task<SnapshotFileCheck> CheckAsync(string path, bool requireTrailer, IProgress<(long Done, long Total)>? progress,
        CancellationToken cancellation)
    {
        if (Directory.Exists(path))
        {
            throw new EtcdException(EtcdErrorIds.SnapshotNotFound, EtcdErrorCategory.ObjectNotFound,
                $"'{path}' is a folder, not a snapshot file.", path, "Give the snapshot file itself (Get-ChildItem shows the files of the folder).");
        }

        if (!File.Exists(path))
        {
            throw new EtcdException(EtcdErrorIds.SnapshotNotFound, EtcdErrorCategory.ObjectNotFound,
                $"The snapshot file '{path}' does not exist.", path, "Check the path; Save-EtcdSnapshot -Path writes one.");
        }

        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        var size = file.Length;
        var header = new byte[4096];
        var headerLength = await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellation).ConfigureAwait(false);
        if (headerLength < 64 || BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(16)) != BoltMagic)
        {
            throw new EtcdException(EtcdErrorIds.SnapshotNotEtcd, EtcdErrorCategory.InvalidData,
                $"'{path}' is not an etcd snapshot: it does not start with a bbolt database header.", path,
                "Give a file written by Save-EtcdSnapshot or 'etcdctl snapshot save', or an etcd data folder's member/snap/db.");
        }

        var pageSize = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(24));
        var hasTrailer = size % 512 == HashLength;
        if (!hasTrailer && (pageSize == 0 || size % pageSize != 0))
        {
            throw Truncated(path, size, pageSize);
        }

        file.Position = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var content = hasTrailer ? size - HashLength : size;
        var buffer = new byte[1 << 20];
        long done = 0;
        string? clusterVersion = null, storageVersion = null;
        var carry = Array.Empty<byte>();
        while (done < content)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, content - done)), cancellation).ConfigureAwait(false);
            if (read == 0)
            {
                throw Truncated(path, size, pageSize);
            }

            hash.AppendData(buffer, 0, read);
            // A version key may straddle two chunks: look at the seam too.
            var chunk = buffer.AsSpan(0, read);
            byte[] seam = [.. carry, .. chunk[..Math.Min(read, 64)]];
            clusterVersion ??= VersionAfter(seam, s_clusterVersion) ?? VersionAfter(chunk, s_clusterVersion);
            storageVersion ??= VersionAfter(seam, s_storageVersion) ?? VersionAfter(chunk, s_storageVersion);
            carry = chunk[Math.Max(0, read - 64)..].ToArray();
            done += read;
            progress?.Report((done, size));
        }

        var computed = hash.GetHashAndReset();
        bool? valid = null;
        if (hasTrailer)
        {
            var trailer = new byte[HashLength];
            await file.ReadExactlyAsync(trailer, cancellation).ConfigureAwait(false);
            valid = CryptographicOperations.FixedTimeEquals(computed, trailer);
            progress?.Report((size, size));
        }

        if (requireTrailer && !hasTrailer)
        {
            throw new EtcdException(EtcdErrorIds.SnapshotNoHashTrailer, EtcdErrorCategory.InvalidData,
                $"'{path}' has no sha256 trailer: it is a database copied from a data folder (member/snap/db), not a saved snapshot, so its integrity cannot be verified.",
                path, "Mount it anyway with -SkipHashCheck (a copy taken while etcd ran may be inconsistent), or use a snapshot from Save-EtcdSnapshot.");
        }

        if (requireTrailer && valid == false)
        {
            throw new EtcdException(EtcdErrorIds.SnapshotChecksumMismatch, EtcdErrorCategory.InvalidData,
                $"'{path}' is corrupt: its sha256 trailer does not match the {content} bytes before it.", path,
                "Use another copy of the snapshot; -SkipHashCheck mounts it anyway, for forensics only.");
        }

        return new SnapshotFileCheck(path, size, hasTrailer, valid, Convert.ToHexString(computed).ToLowerInvariant(), storageVersion ?? clusterVersion);
    }

    private static EtcdException Truncated(string path, long size, uint pageSize) =>
        new(EtcdErrorIds.SnapshotTruncated, EtcdErrorCategory.InvalidData,
            $"'{path}' is truncated: its {size} bytes are neither whole {pageSize}-byte database pages nor a database with etcd's sha256 trailer.",
            path, "The copy is incomplete (an interrupted download or save): use another copy of the snapshot.");

    /// <summary>The version text (3.5.0) stored right after a bbolt key such as clusterVersion, when found.</summary>
    private static string? VersionAfter(ReadOnlySpan<byte> data, ReadOnlySpan<byte> key)
    {
        var at = data.IndexOf(key);
        while (at >= 0)
        {
            var rest = data[(at + key.Length)..];
            var length = 0;
            while (length < rest.Length && length < 16 && (char.IsAsciiDigit((char)rest[length]) || rest[length] == '.'))
            {
                length++;
            }

            if (length >= 3 && char.IsAsciiDigit((char)rest[0]) && rest[..length].Contains((byte)'.'))
            {
                return Encoding.ASCII.GetString(rest[..length]);
            }

            var next = rest.IndexOf(key);
            at = next < 0 ? -1 : at + key.Length + next;
        }

        return null;
    }
}
