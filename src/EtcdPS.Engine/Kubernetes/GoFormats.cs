using System.Globalization;
using System.Text;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>The text forms Go's encoding/json gives Kubernetes' time and duration types, both ways.</summary>
internal static class GoFormats
{
    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>metav1.Time: RFC 3339 in UTC with whole seconds.</summary>
    public static string FormatTime(long seconds) =>
        DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>metav1.MicroTime: RFC 3339 in UTC with six fractional digits (nanoseconds truncated).</summary>
    public static string FormatMicroTime(long seconds, int nanos) =>
        DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
        + "." + (Math.Clamp(nanos, 0, 999_999_999) / 1000).ToString("D6", CultureInfo.InvariantCulture) + "Z";

    /// <summary>Parses an RFC 3339 time into Unix seconds and nanoseconds.</summary>
    public static (long Seconds, int Nanos) ParseTime(string text)
    {
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw new FormatException($"'{text}' is not an RFC 3339 time.");
        }

        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }

        return (seconds, (int)(remainder * 100));
    }

    /// <summary>time.Duration.String: "1h2m3.5s", "300ms", "1.5µs", "0s".</summary>
    public static string FormatDuration(long nanos)
    {
        if (nanos == 0)
        {
            return "0s";
        }

        var sb = new StringBuilder();
        if (nanos < 0)
        {
            sb.Append('-');
        }

        var u = nanos == long.MinValue ? 9_223_372_036_854_775_808UL : (ulong)Math.Abs(nanos);
        if (u < NanosPerSecond)
        {
            // Below one second Go picks the largest unit that keeps the integer part non-zero.
            if (u < 1_000)
            {
                return sb.Append(u.ToString(CultureInfo.InvariantCulture)).Append("ns").ToString();
            }

            return u < 1_000_000
                ? sb.Append(Fraction(u, 3)).Append("µs").ToString()
                : sb.Append(Fraction(u, 6)).Append("ms").ToString();
        }

        var totalSeconds = u / NanosPerSecond;
        var fraction = u % NanosPerSecond;
        var hours = totalSeconds / 3600;
        var minutes = totalSeconds / 60 % 60;
        var secs = totalSeconds % 60;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            sb.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        sb.Append(Fraction(secs * NanosPerSecond + fraction, 9)).Append('s');
        return sb.ToString();
    }

    /// <summary>Parses a Go duration string ("1h2m3.5s", "-1.5h", "300ms") into nanoseconds.</summary>
    public static long ParseDuration(string text)
    {
        var s = text.AsSpan().Trim();
        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s.SequenceEqual("0"))
        {
            return 0;
        }

        if (s.IsEmpty)
        {
            throw new FormatException($"'{text}' is not a Go duration.");
        }

        decimal total = 0;
        while (!s.IsEmpty)
        {
            var i = 0;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            var j = i;
            while (j < s.Length && !char.IsAsciiDigit(s[j]) && s[j] != '.')
            {
                j++;
            }

            if (i == 0 || !decimal.TryParse(s[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                throw new FormatException($"'{text}' is not a Go duration.");
            }

            decimal unit = s[i..j] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => throw new FormatException($"'{text}' is not a Go duration (unknown unit '{s[i..j].ToString()}')."),
            };
            total += number * unit;
            s = s[j..];
        }

        var result = (long)decimal.Truncate(total);
        return negative ? -result : result;
    }

    // Go's fmtFrac + fmtInt: value has `digits` fractional digits; trailing zeros (and a bare '.') are dropped.
    private static string Fraction(ulong value, int digits)
    {
        var scale = (ulong)Math.Pow(10, digits);
        var integer = value / scale;
        var frac = value % scale;
        if (frac == 0)
        {
            return integer.ToString(CultureInfo.InvariantCulture);
        }

        var fracText = frac.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return integer.ToString(CultureInfo.InvariantCulture) + "." + fracText;
    }
}
