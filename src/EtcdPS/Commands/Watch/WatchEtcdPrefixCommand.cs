using System.Management.Automation;
using EtcdPS.Engine.Watch;
using Google.Protobuf;

namespace EtcdPS.Commands.Watch;

/// <summary>
/// <para type="synopsis">Watches a prefix (or one key) and writes each change to the pipeline as it happens; resumes on another member when one fails.</para>
/// </summary>
[Cmdlet(VerbsCommon.Watch, "EtcdPrefix", DefaultParameterSetName = PrefixSet)]
[OutputType(typeof(EtcdWatchEvent))]
public sealed class WatchEtcdPrefixCommand : EtcdCmdlet
{
    private const string PrefixSet = "Prefix";
    private const string KeySet = "Key";

    /// <summary>The key prefix to watch; an empty string watches the whole keyspace.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PrefixSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Prefix { get; set; } = string.Empty;

    /// <summary>One key to watch.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KeySet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Key { get; set; } = string.Empty;

    /// <summary>The first revision to deliver (history from there on is replayed); by default, changes after now.</summary>
    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long Revision { get; set; }

    /// <summary>Also deliver the value each key had before the change (PrevValue).</summary>
    [Parameter]
    public SwitchParameter PrevKv { get; set; }

    /// <summary>Deliver only these kinds of change (filtered by the server).</summary>
    [Parameter]
    [ValidateSet("Put", "Delete")]
    public string[]? EventType { get; set; }

    /// <summary>
    /// Stop after this many events (progress notifications are not counted), at the end of the revision the last one is in:
    /// a transaction that changed several watched keys is delivered whole, so more than Count events may come.
    /// </summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>Stop (without an error) after this long.</summary>
    [Parameter]
    public TimeSpan? Timeout { get; set; }

    /// <summary>Also write progress notifications (Type Progress, Revision = every event up to it was delivered).</summary>
    [Parameter]
    public SwitchParameter ProgressNotify { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        if (Timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"-Timeout must be positive; got {t}.", t, "Give a duration such as 00:00:30.");
        }

        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var isKey = ParameterSetName == KeySet;
        var key = ByteString.CopyFromUtf8(isKey ? Key : Prefix);
        var types = EventType ?? ["Put", "Delete"];
        var watcher = new ResumingWatcher(connection, new WatchOptions
        {
            Key = key.IsEmpty ? ByteString.CopyFrom(0) : key,
            RangeEnd = isKey ? ByteString.Empty : WatchOptions.PrefixEnd(key),
            StartRevision = Revision,
            PrevKv = PrevKv,
            NoPut = !types.Contains("Put", StringComparer.OrdinalIgnoreCase),
            NoDelete = !types.Contains("Delete", StringComparer.OrdinalIgnoreCase),
            ProgressNotify = ProgressNotify,
            MaxEvents = Count,
            Duration = Timeout,
        })
        {
            Diagnostic = message => _ = WriteVerboseAsync(message),
        };

        await foreach (var e in watcher.WatchAsync(cancellation).ConfigureAwait(false))
        {
            // Awaiting the write is the back-pressure: the next event is read only once the pipeline took this one.
            // -Count ends in the engine, at the end of the revision the last counted event is in.
            await WriteObjectAsync(e).ConfigureAwait(false);
        }
    }
}
