namespace EtcdPS.Engine.Keys;

/// <summary>
/// Chooses where each request of a paged listing ends. On etcd up to 3.6 a Range with a limit counts every key up to
/// its <c>range_end</c> before it answers, so paging a big range with limits alone makes etcd count the rest of the
/// range once per page (quadratic). Bounding each request to a window makes it count only the window.
/// <para>
/// The end is found by interpolation on the key bytes: a reference interval whose key count is known (the keys of the
/// last page, or the last window when it came back whole) gives a density, and the next window is as wide as
/// <c>target</c> keys at that density. Widths are measured in a mixed radix learned from the keys seen so far: at a
/// byte position whose values the keys have been seen to cycle through (obj-0099 then obj-0100), the digits are the
/// values between the lowest and highest seen there, so decimal counters and names from small alphabets interpolate
/// without the gaps of raw byte arithmetic; a position not seen to cycle counts in raw bytes, so a window never wraps
/// past values not read yet (obj-1999 goes on to obj-2000, not obj-10000). Positions start at the common prefix of the
/// reference interval, so keys that differ only after byte 200 are measured where they differ. An overshooting window
/// costs etcd a count of that window, one that falls short only a request: the estimates lean short. A window that
/// comes back empty makes the next one wider (the reader then escapes path levels); one that comes back overfull (etcd says how many keys it holds)
/// is finished in the same window when the rest fits a page.
/// </para>
/// </summary>
internal sealed class KeyWindows
{
    /// <summary>How much wider than an empty window the next one is.</summary>
    public const double EmptyGrowth = 64;

    private const int Digits = 8;
    private const int TrackedPositions = 1024;
    private readonly byte[] _low = new byte[TrackedPositions];
    private readonly byte[] _high = new byte[TrackedPositions];
    private readonly bool[] _cycled = new bool[TrackedPositions];
    private int _tracked;
    private byte[] _previous = [];

    /// <summary>Learns the byte values used at each position from keys read, in key order.</summary>
    public void Learn(ReadOnlySpan<byte> key)
    {
        var length = Math.Min(key.Length, TrackedPositions);
        // Where this key first differs from the one before, the positions after it started again from their lowest
        // values: those positions have shown their whole cycle (obj-0099, obj-0100), so their values seen are all there are.
        var differs = _previous.Length == 0 ? length : key.CommonPrefixLength(_previous);
        for (var i = differs + 1; i < length; i++)
        {
            _cycled[i] = true;
        }

        for (var i = 0; i < length; i++)
        {
            var b = key[i];
            if (i >= _tracked)
            {
                _low[i] = b;
                _high[i] = b;
                continue;
            }

            if (b < _low[i])
            {
                _low[i] = b;
            }
            else if (b > _high[i])
            {
                _high[i] = b;
            }
        }

        _tracked = Math.Max(_tracked, length);
        _previous = key.ToArray();
    }

    /// <summary>
    /// Where a window after empty ones may end, so that finding the next keys never makes etcd count every key after
    /// them. Below the top of the range: the end of the deepest directory ('/'-separated) of the last key read that still
    /// holds keys after <paramref name="from"/> (an empty window that reached a directory's end finished it, so the next
    /// one climbs a level). At the top (the directory's end is the range's, where the resources of /registry/ are):
    /// the next sibling is looked for by its first byte, the step doubling every second <paramref name="steps"/>
    /// (configmaps0 .. d, d .. e, e .. g, ...): a jump to the range's end would count all the resources still to come, once
    /// per resource left behind. <paramref name="stepped"/> tells that the top was stepped.
    /// </summary>
    public static byte[] EscapeEnd(ReadOnlySpan<byte> from, ReadOnlySpan<byte> lastKey, int steps, KeyRange range, out bool stepped)
    {
        stepped = false;
        for (var i = lastKey.Length - 1; i >= 0; i--)
        {
            if (lastKey[i] != (byte)'/')
            {
                continue;
            }

            var end = KeyRange.PrefixEnd(lastKey[..(i + 1)]);
            var top = KeyRange.IsToTheEnd(end) || range.IsPastEnd(end);
            if (!top)
            {
                if (end.AsSpan().SequenceCompareTo(from) > 0)
                {
                    return end;
                }

                continue;
            }

            var child = i + 1;
            if (from.Length <= child || !from[..child].SequenceEqual(lastKey[..child]))
            {
                return range.End;
            }

            var next = from[child] + (1 << Math.Min(steps / 2, 8));
            if (next > 0xff)
            {
                return range.End;
            }

            stepped = true;
            byte[] bound = [.. from[..child], (byte)next];
            return range.IsPastEnd(bound) ? range.End : bound;
        }

        return range.End;
    }

    /// <summary>
    /// Where a window after an empty one should be measured from: an end we cut can hold a byte past the values seen at
    /// a position (obj-09: then nothing, as the hundreds go on at obj-1); that position has run out, so continue from
    /// the next value of the one before it.
    /// </summary>
    public byte[] Normalize(byte[] start)
    {
        // Only where the end left the keys read: the bytes before that are a real key's.
        for (var i = start.AsSpan().CommonPrefixLength(_previous); i < Math.Min(start.Length, _tracked); i++)
        {
            if (start[i] > _high[i] && _high[i] > _low[i] && i > 0)
            {
                var next = KeyRange.PrefixEnd(start.AsSpan(0, i));
                if (KeyRange.IsToTheEnd(next) || next.Length != i)
                {
                    return start;
                }

                // ... and from the lowest value seen at the position that ran out (obj-09: becomes obj-10).
                return [.. next, _low[i]];
            }
        }

        return start;
    }

    /// <summary>
    /// The end of a window that starts at <paramref name="start"/> and should hold about <paramref name="target"/> keys,
    /// given that [<paramref name="low"/>, <paramref name="high"/>] held <paramref name="keys"/> keys (gaps between keys,
    /// for a span of keys read). Clipped to <paramref name="range"/>'s end; the range's end when the window reaches it.
    /// </summary>
    public byte[] End(byte[] start, ReadOnlySpan<byte> low, ReadOnlySpan<byte> high, long keys, double target, KeyRange range)
    {
        if (KeyRange.IsToTheEnd(high) || high.SequenceCompareTo(low) <= 0)
        {
            return range.End;
        }

        var p0 = low.CommonPrefixLength(high);
        var span = Position(high, p0) - Position(low, p0);
        if (span <= 0)
        {
            return range.End;
        }

        // No cap on growth from a measured density: a window that overshoots costs etcd one count of that window, and
        // the next one is cut from the full page it returned.
        var growth = keys <= 0 ? EmptyGrowth : Math.Clamp(target / keys, 1e-30, 1e30);
        var end = Add(start, p0, Position(start, p0) + Math.Max(1.0, span * growth));
        if (end is null || range.IsPastEnd(end))
        {
            return range.End;
        }

        return end.AsSpan().SequenceCompareTo(start) > 0 ? end : Escape(start, p0, range);
    }

    // A position counts in the radix of the values seen there once it has cycled through them, else in raw bytes: a
    // window that falls short only costs a request, one that overshoots (obj-1999 wrapped to obj-10000 instead of
    // going on to obj-2000) makes etcd count too much.
    private int Radix(int position) => position < _tracked && _cycled[position] ? _high[position] - _low[position] + 1 : 256;

    private byte Low(int position) => position < _tracked && _cycled[position] ? _low[position] : (byte)0;

    /// <summary>The key's digits at positions [p0, p0 + 8) as one number.</summary>
    private double Position(ReadOnlySpan<byte> key, int p0)
    {
        double value = 0;
        for (var i = p0; i < p0 + Digits; i++)
        {
            var radix = Radix(i);
            // A byte below the values seen counts as the lowest; one above them as just past the highest (a carry).
            var digit = i >= key.Length || key[i] < Low(i) ? 0 : Math.Min(key[i] - Low(i), radix);
            value = (value * radix) + digit;
        }

        return value;
    }

    /// <summary>The key whose first p0 bytes are the start's, carried into, and whose digits spell <paramref name="position"/>; null past the last key.</summary>
    private byte[]? Add(byte[] start, int p0, double position)
    {
        var end = new byte[p0 + Digits];
        start.AsSpan(0, Math.Min(p0, start.Length)).CopyTo(end);
        double weight = 1;
        for (var i = p0 + Digits - 1; i >= p0; i--)
        {
            weight *= Radix(i);
        }

        var carry = Math.Floor(position / weight);
        var rest = position - (carry * weight);
        for (var i = p0; i < p0 + Digits; i++)
        {
            weight /= Radix(i);
            var digit = Math.Min(Math.Floor(rest / weight), Radix(i) - 1);
            rest -= digit * weight;
            end[i] = (byte)(Low(i) + digit);
        }

        // The carry goes into the common prefix the same way: within the values of positions that have cycled, as a
        // raw byte increment elsewhere.
        for (var i = p0 - 1; i >= 0 && carry > 0; i--)
        {
            var radix = Radix(i);
            var sum = end[i] - Low(i) + carry;
            if (radix is > 1 and < 256 && end[i] >= Low(i) && end[i] - Low(i) < radix)
            {
                carry = Math.Floor(sum / radix);
                end[i] = (byte)(Low(i) + (sum - (carry * radix)));
            }
            else
            {
                sum = end[i] + carry;
                carry = Math.Floor(sum / 256);
                end[i] = (byte)(sum - (carry * 256));
            }
        }

        return carry > 0 ? null : end;
    }

    /// <summary>When interpolation cannot move past the start (keys longer than its digits), the end of the start's subtree.</summary>
    private static byte[] Escape(byte[] start, int p0, KeyRange range)
    {
        var end = KeyRange.PrefixEnd(start.AsSpan(0, Math.Min(start.Length, p0 + Digits)));
        return KeyRange.IsToTheEnd(end) || range.IsPastEnd(end) ? range.End : end;
    }
}
