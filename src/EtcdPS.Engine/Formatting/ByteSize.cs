using System.Globalization;

namespace EtcdPS;

/// <summary>Human sizes for the table views: "2.3 MB", as etcdctl prints them (decimal units).</summary>
public static class ByteSize
{
    private static readonly string[] Units = ["B", "kB", "MB", "GB", "TB", "PB"];

    /// <summary>Formats a byte count with one decimal above 1 kB.</summary>
    public static string Format(long bytes)
    {
        if (bytes < 1000)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        }

        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < Units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        // Always one decimal, so a column of sizes lines up ("45.0 kB" under "44.8 kB").
        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }
}
