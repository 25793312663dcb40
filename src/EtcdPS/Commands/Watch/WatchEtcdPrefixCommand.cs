using System.Text;
using System.Management.Automation;
using EtcdPS.Engine.Watch;
using EtcdPS.Engine.Keys;

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

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PrefixSet, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Prefix { get; set; } = string.Empty;

    [Parameter(Mandatory = true, ParameterSetName = KeySet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string Key { get; set; } = string.Empty;

    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long Revision { get; set; }

    [Parameter]
    public SwitchParameter PrevKv { get; set; }

    [Parameter]
    [ValidateSet("Put", "Delete")]
    public string[]? EventType { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int Count { get; set; }

    [Parameter]
    public TimeSpan? Timeout { get; set; }

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
        var key = Encoding.UTF8.GetBytes(isKey ? Key : Prefix);
        var types = EventType ?? ["Put", "Delete"];
        var watcher = new ResumingWatcher(connection, new WatchOptions
        {
            Range = isKey ? KeyRange.Single(key.Length == 0 ? [0] : key) : KeyRange.Prefix(key),
            StartRevision = Revision,
            PrevKv = PrevKv,
            NoPut = !types.Contains("Put", StringComparer.OrdinalIgnoreCase),
            NoDelete = !types.Contains("Delete", StringComparer.OrdinalIgnoreCase),
            ProgressNotify = ProgressNotify,
            Duration = Timeout,
        })
        {
            Diagnostic = message => _ = WriteVerboseAsync(message),
        };

        var delivered = 0;
        await foreach (var e in watcher.WatchAsync(cancellation).ConfigureAwait(false))
        {
            // Awaiting the write is the back-pressure: the next event is read only once the pipeline took this one.
            await WriteObjectAsync(e).ConfigureAwait(false);
            if (e.Type != EtcdWatchEventType.Progress && Count > 0 && ++delivered >= Count)
            {
                break;
            }
        }
    }
}
