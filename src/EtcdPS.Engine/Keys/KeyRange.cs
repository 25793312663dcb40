using System.Text;

namespace EtcdPS.Engine.Keys;

/// <summary>How a range read sorts its result (etcd's sort target).</summary>
internal enum KeySortTarget
{
    Key,
    Version,
    CreateRevision,
    ModRevision,
    Value,
}

/// <summary>
/// The half-open key range [<see cref="Start"/>, <see cref="End"/>) of a read, in etcd's terms: an empty
/// <see cref="End"/> means the single key <see cref="Start"/>, and <c>"\0"</c> means "to the end of the keyspace".
/// </summary>
internal sealed record KeyRange(byte[] Start, byte[] End)
{
    private static readonly byte[] ToTheEnd = [0];

    /// <summary>True when the range is one exact key.</summary>
    public bool IsSingleKey => End.Length == 0;

    /// <summary>One exact key.</summary>
    public static KeyRange Single(byte[] key) => new(key, []);

    /// <summary>The whole keyspace, from the first key to the end (what etcdctl sends as <c>--from-key ""</c>).</summary>
    public static KeyRange All { get; } = new(ToTheEnd, ToTheEnd);

    /// <summary>Every key that starts with <paramref name="prefix"/>; the empty prefix is the whole keyspace.</summary>
    public static KeyRange Prefix(byte[] prefix) =>
        prefix.Length == 0 ? new KeyRange(ToTheEnd, ToTheEnd) : new KeyRange(prefix, PrefixEnd(prefix));

    /// <summary>Every key at or after <paramref name="key"/>.</summary>
    public static KeyRange FromKey(byte[] key) => new(key.Length == 0 ? ToTheEnd : key, ToTheEnd);

    /// <summary>Keys in [key, end).</summary>
    public static KeyRange Between(byte[] key, byte[] end) => new(key, end.Length == 0 ? ToTheEnd : end);

    public static KeyRange Prefix(string prefix) => Prefix(Encoding.UTF8.GetBytes(prefix));

    /// <summary>
    /// The first key after every key starting with <paramref name="prefix"/>: the prefix with its last byte
    /// below 0xff incremented (trailing 0xff bytes dropped), or "\0" (the end) when every byte is 0xff.
    /// </summary>
    public static byte[] PrefixEnd(ReadOnlySpan<byte> prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] < 0xff)
            {
                var end = prefix[..(i + 1)].ToArray();
                end[i]++;
                return end;
            }
        }

        return ToTheEnd;
    }

    /// <summary>The smallest key greater than <paramref name="key"/>: the key followed by a zero byte.</summary>
    public static byte[] After(ReadOnlySpan<byte> key)
    {
        var next = new byte[key.Length + 1];
        key.CopyTo(next);
        return next;
    }

    /// <summary>True when <paramref name="key"/> lies at or beyond the range's end.</summary>
    public bool IsPastEnd(ReadOnlySpan<byte> key) => !IsToTheEnd(End) && key.SequenceCompareTo(End) >= 0;

    /// <summary>The part of [start, end) that lies inside this range.</summary>
    public KeyRange Clip(byte[] start, byte[] end)
    {
        var clippedStart = start.AsSpan().SequenceCompareTo(Start) < 0 ? Start : start;
        byte[] clippedEnd;
        if (IsToTheEnd(end))
        {
            clippedEnd = End;
        }
        else if (IsToTheEnd(End))
        {
            clippedEnd = end;
        }
        else
        {
            clippedEnd = end.AsSpan().SequenceCompareTo(End) < 0 ? end : End;
        }

        return new KeyRange(clippedStart, clippedEnd);
    }

    public static bool IsToTheEnd(ReadOnlySpan<byte> end) => end.Length == 1 && end[0] == 0;

    /// <summary>The range the way a user reads it, for errors and verbose lines.</summary>
    public override string ToString()
    {
        var start = ValueKinds.KeyToText(Start);
        if (IsSingleKey)
        {
            return start;
        }

        var end = IsToTheEnd(End) ? "<end>" : ValueKinds.KeyToText(End);
        return $"[{(Start is [0] ? "<start>" : start)}, {end})";
    }
}

/// <summary>What to read: the range, the revision, what to return and how to filter or sort it.</summary>
internal sealed record KeyQuery
{
    public required KeyRange Range { get; init; }
    /// <summary>The revision to read at; 0 for the current one (pinned by the first page).</summary>
    public long Revision { get; init; }
    public bool KeysOnly { get; init; }
    /// <summary>At most this many keys; 0 for no limit.</summary>
    public long Limit { get; init; }
    public KeySortTarget SortBy { get; init; } = KeySortTarget.Key;
    public bool Descending { get; init; }
    public long MinModRevision { get; init; }
    public long MaxModRevision { get; init; }
    public long MinCreateRevision { get; init; }
    public long MaxCreateRevision { get; init; }
    /// <summary>Serve the read from the local member without a quorum round (may be stale).</summary>
    public bool Serializable { get; init; }
    /// <summary>Prefixes a Kubernetes API server stores under (each ending in '/').</summary>
    public IReadOnlyList<string>? KubernetesPrefixes { get; init; }

    /// <summary>True when the result order is the key order, so pages can follow each other by key.</summary>
    public bool IsKeyOrdered => SortBy == KeySortTarget.Key && !Descending;

    public bool HasRevisionFilter => MinModRevision > 0 || MaxModRevision > 0 || MinCreateRevision > 0 || MaxCreateRevision > 0;

    public bool Accepts(Mvccpb.KeyValue kv) =>
        (MinModRevision <= 0 || kv.ModRevision >= MinModRevision)
        && (MaxModRevision <= 0 || kv.ModRevision <= MaxModRevision)
        && (MinCreateRevision <= 0 || kv.CreateRevision >= MinCreateRevision)
        && (MaxCreateRevision <= 0 || kv.CreateRevision <= MaxCreateRevision);
}
