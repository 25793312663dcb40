using System.Text;

namespace EtcdPS.Engine.Keys;

/// <summary>
/// The trailing-slash trap: <c>/registry/pods/shop</c> as a prefix also matches <c>/registry/pods/shop-001/…</c>.
/// For a prefix that does not end in '/' and has keys below it as a folder (<c>shop/…</c>), this finds the sibling
/// paths it also matches (<c>shop-001</c>), with keys-only reads of one key each.
/// </summary>
internal static class SiblingProbe
{
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

        // Everything that continues the prefix with a byte other than '/'. One keys-only read of one key per sibling:
        // after each sibling the next read starts past all of its keys.
        var scope = new RevisionPinnedRangeReader(connection, new KeyQuery
        {
            Range = KeyRange.Between(Append(bytes, 0), KeyRange.PrefixEnd(bytes)), Revision = revision, KeysOnly = true,
        });
        var lastSlash = prefix.LastIndexOf('/');
        var parent = Encoding.UTF8.GetBytes(prefix[..(lastSlash + 1)]);
        var names = new List<string>();
        var from = Append(bytes, 0);
        while (names.Count < max && await scope.FirstKeyFromAsync(from, cancellation).ConfigureAwait(false) is { } kv)
        {
            var key = kv.Key.ToByteArray();
            if (key.Length > bytes.Length && key[bytes.Length] == '/')
            {
                from = Append(bytes, (byte)'/' + 1);
                continue;
            }

            var end = Array.IndexOf(key, (byte)'/', parent.Length);
            var sibling = end < 0 ? key : key[..end];
            names.Add(Encoding.UTF8.GetString(sibling, parent.Length, sibling.Length - parent.Length));
            from = end < 0 ? KeyRange.After(key) : KeyRange.PrefixEnd(key.AsSpan(0, end + 1));
        }

        return names;
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
