using System.Text;
using EtcdPS.Engine.Kubernetes;
using Mvccpb;

namespace EtcdPS.Engine.Keys;

/// <summary>What <see cref="KeyUsageMeter"/> groups keys by.</summary>
internal enum KeyGrouping
{
    Resource,
    Namespace,
    Group,
    Prefix,
}

/// <summary>
/// Counts keys and bytes per resource, namespace, API group or key prefix: "who is using the disk".
/// Everything is read at one pinned revision. When only counts are wanted, no key or value is transferred
/// beyond one key per group: the meter finds the first key of the next group (keys-only, limit 1), counts that
/// group's whole prefix with a count-only range, and jumps past it.
/// </summary>
internal sealed class KeyUsageMeter(EtcdConnection connection, KeyQuery query, KeyGrouping by, int depth, RangePaging? paging = null)
{
    private const string NotKubernetes = "(none)";
    private const string ClusterScoped = "(cluster)";
    private readonly IReadOnlyList<string> _prefixes = query.KubernetesPrefixes ?? KubernetesPrefixes.Default;
    private RevisionPinnedRangeReader? _reader;

    /// <summary>The reader behind the measure: its revision and request count.</summary>
    public RevisionPinnedRangeReader Reader => _reader ??= new(connection, query with { KeysOnly = false }, paging) { Progress = Progress };

    public Action<RangeProgress>? Progress { get; init; }

    /// <summary>Counts and bytes of every group, by reading the keys and values page by page.</summary>
    public async Task<IReadOnlyList<EtcdKeyStatistics>> MeasureAsync(CancellationToken cancellation)
    {
        var reader = Reader;
        var groups = new Dictionary<string, (long Count, long KeyBytes, long ValueBytes)>(StringComparer.Ordinal);
        await foreach (var kv in reader.ReadRawAsync(cancellation).ConfigureAwait(false))
        {
            var (name, _, _) = GroupOf(kv);
            groups.TryGetValue(name, out var sums);
            groups[name] = (sums.Count + 1, sums.KeyBytes + kv.Key.Length, sums.ValueBytes + kv.Value.Length);
        }

        var total = groups.Values.Sum(g => g.KeyBytes + g.ValueBytes);
        return groups
            .Select(g => new EtcdKeyStatistics
            {
                Name = g.Key,
                By = by.ToString(),
                Count = g.Value.Count,
                KeyBytes = g.Value.KeyBytes,
                ValueBytes = g.Value.ValueBytes,
                Percent = Share(g.Value.KeyBytes + g.Value.ValueBytes, total),
                Revision = reader.Revision,
            })
            .OrderByDescending(s => s.Bytes).ThenBy(s => s.Name, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Counts only, with count-only ranges per group prefix.</summary>
    public async Task<IReadOnlyList<EtcdKeyStatistics>> CountAsync(CancellationToken cancellation)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var range = query.Range;
        var cursor = range.Start;
        while (true)
        {
            var first = await Reader.FirstKeyFromAsync(cursor, cancellation).ConfigureAwait(false);
            if (first is null)
            {
                break;
            }

            var (name, prefix, exact) = GroupOf(first);
            long count;
            byte[] next;
            if (exact)
            {
                count = 1;
                next = KeyRange.After(first.Key.Span);
            }
            else
            {
                var group = range.Clip(prefix, KeyRange.PrefixEnd(prefix));
                count = await Reader.CountRangeAsync(group, cancellation).ConfigureAwait(false);
                next = group.End;
            }

            counts[name] = counts.GetValueOrDefault(name) + count;
            Progress?.Invoke(new RangeProgress(counts.Values.Sum(), 0, null, Reader.Revision, Reader.RangeRequests));
            if (KeyRange.IsToTheEnd(next) || range.IsPastEnd(next))
            {
                break;
            }

            cursor = next;
        }

        var total = counts.Values.Sum();
        return counts
            .Select(c => new EtcdKeyStatistics
            {
                Name = c.Key,
                By = by.ToString(),
                Count = c.Value,
                Percent = Share(c.Value, total),
                Revision = Reader.Revision,
                CountOnly = true,
            })
            .OrderByDescending(s => s.Count).ThenBy(s => s.Name, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// The group of a key, and a prefix that holds only keys of that group (so one count-only range can count it),
    /// or exact when the key is its own group.
    /// </summary>
    internal (string Name, byte[] Prefix, bool Exact) GroupOf(KeyValue kv)
    {
        var raw = kv.Key.Span;
        var text = ValueKinds.KeyToText(raw);
        var isUtf8 = System.Text.Unicode.Utf8.IsValid(raw);
        if (by == KeyGrouping.Prefix)
        {
            var (name, length) = PathPrefix(text, depth);
            return Group(name, text, length, isUtf8);
        }

        var parsed = KubernetesKey.Parse(text, _prefixes);
        if (!parsed.IsKubernetes)
        {
            // A stray key under a Kubernetes prefix is its own group: its path prefix would also hold every resource.
            var underKubernetes = _prefixes.Any(p => text.StartsWith(p, StringComparison.Ordinal));
            var (pathPrefix, length) = PathPrefix(text, underKubernetes ? int.MaxValue : 1);
            return Group(by == KeyGrouping.Resource ? pathPrefix : NotKubernetes, text, underKubernetes ? -1 : length, isUtf8);
        }

        var resourceLength = ResourcePrefixLength(text, parsed);
        return by switch
        {
            KeyGrouping.Resource => Group(parsed.Group.Length > 0 ? $"{parsed.Resource}.{parsed.Group}" : parsed.Resource, text, resourceLength, isUtf8),
            KeyGrouping.Group => Group(parsed.Group.Length > 0 ? parsed.Group : "core", text, resourceLength, isUtf8),
            _ when parsed.Namespace.Length == 0 => Group(ClusterScoped, text, resourceLength, isUtf8),
            _ => Group(parsed.Namespace, text, resourceLength + parsed.Namespace.Length + 1, isUtf8),
        };
    }

    private static (string Name, byte[] Prefix, bool Exact) Group(string name, string text, int prefixLength, bool isUtf8)
    {
        if (!isUtf8 || prefixLength <= 0 || prefixLength >= text.Length)
        {
            // The key is its own group: no shorter prefix is known to hold only keys of this group.
            return (name, [], true);
        }

        return (name, Encoding.UTF8.GetBytes(text[..prefixLength]), false);
    }

    /// <summary>The first <paramref name="segments"/> path segments of a key, with their trailing '/'.</summary>
    private static (string Name, int Length) PathPrefix(string key, int segments)
    {
        var position = key.StartsWith('/') ? 1 : 0;
        for (var i = 0; i < segments; i++)
        {
            var slash = key.IndexOf('/', position);
            if (slash < 0)
            {
                return (key, key.Length);
            }

            position = slash + 1;
        }

        return (key[..position], position);
    }

    /// <summary>Length of "&lt;prefix&gt;/&lt;resource&gt;/" (or "&lt;group&gt;/&lt;resource&gt;/") in the key; -1 when unknown.</summary>
    private static int ResourcePrefixLength(string key, KubernetesKey parsed)
    {
        var suffix = parsed.Namespace.Length > 0 ? $"{parsed.Namespace}/{parsed.Name}" : parsed.Name;
        if (suffix.Length == 0 || !key.EndsWith(suffix, StringComparison.Ordinal) || key[key.Length - suffix.Length - 1] != '/')
        {
            return -1;
        }

        return key.Length - suffix.Length;
    }

    private static double Share(long part, long total) => total == 0 ? 0 : Math.Round(part * 100.0 / total, 2);
}
