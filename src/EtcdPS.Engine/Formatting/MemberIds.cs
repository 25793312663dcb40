using System.Globalization;

namespace EtcdPS;

/// <summary>Member, cluster and lease ids are shown in hex, as etcdctl shows them.</summary>
public static class MemberIds
{
    /// <summary>The id in lower-case hex without leading zeros.</summary>
    public static string ToHex(ulong id) => id.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>The id in lower-case hex without leading zeros.</summary>
    public static string ToHex(long id) => unchecked((ulong)id).ToString("x", CultureInfo.InvariantCulture);

    /// <summary>A lease id in 16 lower-case hex digits: etcdctl prints lease ids zero-padded (%016x), member ids not.</summary>
    public static string LeaseToHex(long id) => unchecked((ulong)id).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Parses a hex id, with or without a 0x prefix.</summary>
    public static bool TryParse(string text, out ulong id)
    {
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out id);
    }
}
