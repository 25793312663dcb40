using System.Text;

namespace EtcdPS.Engine.Keys;

/// <summary>
/// The trailing-slash trap: <c>/registry/pods/shop</c> as a prefix also matches <c>/registry/pods/shop-001/…</c>.
/// For a prefix that does not end in '/' and has keys below it as a folder (<c>shop/…</c>), this finds the sibling
/// paths it also matches (<c>shop-001</c>), with two small keys-only reads bounded to the siblings' ranges.
/// </summary>
internal static class SiblingProbe
{
    private const int SampleKeys = 50;

    /// <summary>The sibling names (the last path segment as it continues), at most <paramref name="max"/>; empty when there is no trap.</summary>
    public static async Task<IReadOnlyList<string>> FindAsync(EtcdConnection connection, string prefix, long revision, int max,
        CancellationToken cancellation)
    {
        if (prefix.Length == 0 || prefix.EndsWith('/') || !prefix.Contains('/', StringComparison.Ordinal))
        {
            return [];
        }

        var bytes = Encoding.UTF8.GetBytes(prefix);
        var children = Read(connection, KeyRange.Between(Append(bytes, (byte)'/'), Append(bytes, (byte)'/' + 1)), revision, 1);
        if ((await children.FirstKeyFromAsync(Append(bytes, (byte)'/'), cancellation).ConfigureAwait(false)) is null)
        {
            return [];
        }

        // Everything that continues the prefix with a byte other than '/': below it ("\0".."/") and above it ("0"..end).
        var below = KeyRange.Between(Append(bytes, 0), Append(bytes, (byte)'/'));
        var above = KeyRange.Between(Append(bytes, (byte)'/' + 1), KeyRange.PrefixEnd(bytes));
        var lastSlash = prefix.LastIndexOf('/');
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var range in (KeyRange[])[below, above])
        {
            await foreach (var kv in Read(connection, range, revision, SampleKeys).ReadAsync(cancellation).ConfigureAwait(false))
            {
                var rest = kv.Key[(lastSlash + 1)..];
                var slash = rest.IndexOf('/', StringComparison.Ordinal);
                names.Add(slash < 0 ? rest : rest[..slash]);
            }
        }

        return names.Take(max).ToArray();
    }

    private static RevisionPinnedRangeReader Read(EtcdConnection connection, KeyRange range, long revision, int limit) =>
        new(connection, new KeyQuery { Range = range, Revision = revision, KeysOnly = true, Limit = limit });

    private static byte[] Append(byte[] bytes, int last)
    {
        var result = new byte[bytes.Length + 1];
        bytes.CopyTo(result, 0);
        result[^1] = (byte)last;
        return result;
    }
}
