using System.Globalization;
using System.Management.Automation;
using System.Text;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Commands.Keys;

/// <summary>Progress records and small conversions shared by the key cmdlets.</summary>
internal static class KeyReadProgress
{
    /// <summary>A progress record for a page just read: keys and bytes so far, and the total once known.</summary>
    public static ProgressRecord For(int activityId, string activity, RangeProgress progress)
    {
        var status = string.Format(CultureInfo.InvariantCulture, "{0:N0}{1} keys, {2} read at revision {3}",
            progress.Keys, progress.Total is { } total ? $" of {total:N0}" : string.Empty, ByteSize.Format(progress.Bytes), progress.Revision);
        var record = new ProgressRecord(activityId, activity, status);
        if (progress.Total is > 0 and { } all)
        {
            record.PercentComplete = (int)Math.Clamp(progress.Keys * 100 / all, 0, 100);
        }

        return record;
    }

    public static ProgressRecord Completed(int activityId, string activity) =>
        new(activityId, activity, "Done") { RecordType = ProgressRecordType.Completed };

    public static string Summary(RevisionPinnedRangeReader reader) => (reader.KeysRead, reader.Total) switch
    {
        (0, { } total) => string.Format(CultureInfo.InvariantCulture, "Counted {0:N0} keys at revision {1} with {2} range request(s).",
            total, reader.Revision, reader.RangeRequests),
        (0, null) => string.Format(CultureInfo.InvariantCulture, "Made {0} count-only and keys-only range request(s) at revision {1}.",
            reader.RangeRequests, reader.Revision),
        _ => string.Format(CultureInfo.InvariantCulture, "Read {0:N0} keys ({1}) at revision {2} with {3} range request(s).",
            reader.KeysRead, ByteSize.Format(reader.BytesRead), reader.Revision, reader.RangeRequests),
    };

    public static byte[] Utf8(string? text) => string.IsNullOrEmpty(text) ? [] : Encoding.UTF8.GetBytes(text);
}
