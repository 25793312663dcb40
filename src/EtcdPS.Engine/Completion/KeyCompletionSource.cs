using System.Text;
using Etcdserverpb;
using EtcdPS.Engine.Keys;
using Google.Protobuf;

namespace EtcdPS.Engine.Completion;

/// <summary>
/// Finds what can follow a partly typed key, one path level at a time: under <c>/registry/</c> it offers
/// <c>/registry/pods/</c>, <c>/registry/deployments/</c>, ... rather than thousands of pod keys. It reads keys only,
/// from the local member (serializable), a page at a time, and skips over a whole subtree once it has offered it, so a
/// level with a few children costs a few round-trips however many keys lie below them.
/// </summary>
internal static class KeyCompletionSource
{
    private const int PageSize = 256;
    private const int MaxRoundTrips = 12;
    private const int MaxEmptyWindows = 64;

    public static async Task<IReadOnlyList<string>> CompleteAsync(EtcdConnection connection, string typed, int maxResults,
        CancellationToken cancellation)
    {
        var prefix = Encoding.UTF8.GetBytes(typed);
        var end = KeyRange.PrefixEnd(prefix);
        var start = prefix.Length == 0 ? [0] : prefix;
        var results = new List<string>();
        for (int trip = 0, empty = 0; trip < MaxRoundTrips && empty < MaxEmptyWindows && results.Count < maxResults; trip++)
        {
            // A limited range makes etcd (up to 3.6) count every key up to its end: bound each request to the children
            // that share the next byte (etcd counts those only), and move to the next byte when that window is empty.
            var window = start.Length > prefix.Length ? KeyRange.PrefixEnd(start.AsSpan(0, prefix.Length + 1)) : end;
            if (KeyRange.IsToTheEnd(window) || (!KeyRange.IsToTheEnd(end) && window.AsSpan().SequenceCompareTo(end) > 0))
            {
                window = end;
            }

            var request = new RangeRequest
            {
                Key = ByteString.CopyFrom(start),
                RangeEnd = ByteString.CopyFrom(window),
                KeysOnly = true,
                Serializable = true,
                Limit = PageSize,
            };
            var response = await connection.CallAsync((c, o) => c.KV.RangeAsync(request, o).ResponseAsync, cancellation,
                typed, timeout: TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            byte[]? lastChild = null;
            foreach (var kv in response.Kvs)
            {
                var child = ChildOf(kv.Key.Span, prefix.Length);
                if (lastChild is null || !child.AsSpan().SequenceEqual(lastChild))
                {
                    if (results.Count >= maxResults)
                    {
                        break;
                    }

                    lastChild = child;
                    results.Add(Encoding.UTF8.GetString(child));
                }
            }

            if (lastChild is null && !response.More)
            {
                if (ReferenceEquals(window, end) || window.AsSpan().SequenceEqual(end))
                {
                    break;
                }

                start = window;
                trip--;
                empty++;
                continue;
            }

            if (lastChild is null)
            {
                break;
            }

            if (!response.More && (ReferenceEquals(window, end) || window.AsSpan().SequenceEqual(end)))
            {
                break;
            }

            // Continue after the subtree just offered: its other keys would only repeat it.
            start = lastChild[^1] == (byte)'/' ? KeyRange.PrefixEnd(lastChild) : [.. response.Kvs[^1].Key.Span, 0];
            if (start.Length == 1 && start[0] == 0)
            {
                break;
            }
        }

        return results;
    }

    /// <summary>The key up to and including the first '/' after the typed part (the whole key when there is none).</summary>
    private static byte[] ChildOf(ReadOnlySpan<byte> key, int typedLength)
    {
        var from = Math.Min(typedLength, key.Length);
        var slash = key[from..].IndexOf((byte)'/');
        return slash < 0 ? key.ToArray() : key[..(from + slash + 1)].ToArray();
    }
}
