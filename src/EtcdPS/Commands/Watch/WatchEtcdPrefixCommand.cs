using System.Text;
using System.Management.Automation;
using EtcdPS.Engine.Kubernetes;
using EtcdPS.Engine;
using EtcdPS.Commands.Keys;
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

    [Parameter(Mandatory = true, ParameterSetName = "Resource")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesResourceCompleter))]
    public string? Resource { get; set; }

    [Parameter(ParameterSetName = "Resource")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesNamespaceCompleter))]
    public string? Namespace { get; set; }

    [Parameter(ParameterSetName = "Resource")]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

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

    [Parameter]
    public SwitchParameter Decode { get; set; }

    [Parameter]
    public SwitchParameter Diff { get; set; }

    [Parameter]
    [ValidateNotNull]
    public string[]? IgnoreField { get; set; }

    [Parameter]
    public SwitchParameter ShowSecret { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LabelSelector { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? FieldSelector { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OwnerUid { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OwnerName { get; set; }

    /// <inheritdoc />
    protected override async Task ProcessRecordAsync(CancellationToken cancellation)
    {
        if (Timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                $"-Timeout must be positive; got {t}.", t, "Give a duration such as 00:00:30.");
        }

        var filter = KubernetesAddressing.Filter(LabelSelector, FieldSelector, OwnerUid, OwnerName, DecodeOptions.Default);
        var connection = await GetConnectionAsync(cancellation).ConfigureAwait(false);
        var isKey = ParameterSetName == KeySet;
        if (Resource is not null)
        {
            var resolved = await KubernetesAddressing.ResolveAsync(connection, Resource, Namespace, Name, null, 0, cancellation).ConfigureAwait(false);
            isKey = resolved.IsSingleObject;
            (Key, Prefix) = (resolved.KeyText, resolved.KeyText);
        }
        else if (!isKey && await KubernetesAddressing.SiblingWarningAsync(connection, Prefix, 0, cancellation).ConfigureAwait(false) is { } warning)
        {
            await WriteWarningAsync(warning).ConfigureAwait(false);
        }
        else if (await NothingThereHintAsync(connection, isKey ? Key : Prefix, isKey, cancellation).ConfigureAwait(false) is { } hint)
        {
            await WriteWarningAsync(hint).ConfigureAwait(false);
        }

        var key = Encoding.UTF8.GetBytes(isKey ? Key : Prefix);
        var types = EventType ?? ["Put", "Delete"];
        var watcher = new ResumingWatcher(connection, new WatchOptions
        {
            Range = isKey ? KeyRange.Single(key.Length == 0 ? [0] : key) : KeyRange.Prefix(key),
            StartRevision = Revision,
            PrevKv = PrevKv || Diff,
            NoPut = !types.Contains("Put", StringComparer.OrdinalIgnoreCase),
            NoDelete = !types.Contains("Delete", StringComparer.OrdinalIgnoreCase),
            ProgressNotify = ProgressNotify,
            // With selectors -Count counts the matching events, here; without, the engine ends at the end of a revision.
            MaxEvents = filter is null ? Count : 0,
            Duration = Timeout,
        })
        {
            Diagnostic = message => _ = WriteVerboseAsync(message),
        };

        var decoding = Decode || Diff
            ? new WatchEventDecoding(Decode ? DecodeOptions.From(ShowSecret, null) : null, Diff ? DiffOptions.From(IgnoreField, ShowSecret) : null)
            : null;
        var matched = 0;
        await foreach (var e in watcher.WatchAsync(cancellation).ConfigureAwait(false))
        {
            // A Delete is matched by the object it deleted (its previous value, with -PrevKv).
            if (filter is not null && e.Type != EtcdWatchEventType.Progress
                && !filter.Matches(e.Type == EtcdWatchEventType.Delete ? e.PrevRawValue : e.RawValue, e.ModRevision, e.Key))
            {
                continue;
            }

            // Awaiting the write is the back-pressure: the next event is read only once the pipeline took this one.
            if (decoding is null)
            {
                await WriteObjectAsync(e).ConfigureAwait(false);
            }
            else
            {
                var error = decoding.Apply(e);
                Outcome<EtcdWatchEvent>[] outcomes = error is null ? [Outcome<EtcdWatchEvent>.Ok(e)] : [Outcome<EtcdWatchEvent>.Failed(error), Outcome<EtcdWatchEvent>.Ok(e)];
                await WriteOutcomesAsync(outcomes, ev => decoding.ForPipeline(ev)).ConfigureAwait(false);
            }

            if (filter is not null && e.Type != EtcdWatchEventType.Progress && Count > 0 && ++matched >= Count)
            {
                break;
            }
        }
    }

    // A watch of a name without its leading '/' (or with a wildcard) waits for events that never come: say so at the
    // start when nothing is there now. Only such names are checked, so a normal watch costs etcd no extra read.
    private static async Task<string?> NothingThereHintAsync(EtcdConnection connection, string name, bool isKey, CancellationToken cancellation)
    {
        if (name.Length == 0 || (name.StartsWith('/') && name.IndexOfAny(['*', '?', '[']) < 0))
        {
            return null;
        }

        var here = new RevisionPinnedRangeReader(connection, new KeyQuery
        {
            Range = isKey ? KeyRange.Single(Encoding.UTF8.GetBytes(name)) : KeyRange.Prefix(name),
        });
        if (await here.CountAsync(cancellation).ConfigureAwait(false) > 0)
        {
            return null;
        }

        return await NoMatchHint.ForAsync(connection, name, prefix: !isKey, 0, cancellation,
            p => isKey ? $"Watch-EtcdPrefix -Key '{p}'" : $"Watch-EtcdPrefix '{p}'", "Watch-EtcdPrefix").ConfigureAwait(false);
    }
}
