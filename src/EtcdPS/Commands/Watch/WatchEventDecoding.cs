using System.Management.Automation;
using EtcdPS.Commands.Kubernetes;
using EtcdPS.Engine.Kubernetes;
using EtcdPS.Engine.Watch;

namespace EtcdPS.Commands.Watch;

/// <summary>
/// Watch-EtcdPrefix -Decode and -Diff: decodes each event's object (a Delete's from its previous value) and adds
/// the field-level diff of the change; on the pipeline thread the decoded object's fields become properties of the event.
/// </summary>
internal sealed class WatchEventDecoding(DecodeOptions? decode, DiffOptions? diff)
{
    /// <summary>The type name the decoded table view is selected by.</summary>
    public const string DecodedTypeName = "EtcdPS.EtcdWatchEvent#Decoded";

    /// <summary>The type name the diff table view is selected by.</summary>
    public const string DiffTypeName = "EtcdPS.EtcdWatchEvent#Diff";

    private static readonly IReadOnlySet<string> s_eventProperties = KubernetesPSObjects.PropertyNames(typeof(EtcdWatchEvent));

    /// <summary>Decodes and diffs one event (on the worker); returns the error to report for it, the event is still written.</summary>
    public EtcdException? Apply(EtcdWatchEvent e)
    {
        if (e.Type == EtcdWatchEventType.Progress)
        {
            return null;
        }

        if (diff is not null)
        {
            var changes = ValueDiff.Compare(e.PrevRawValue, e.Type == EtcdWatchEventType.Delete ? [] : e.RawValue, e.Key, diff);
            e.Diff = TextList.Lines(changes.Lines);
            e.Changes = changes.Changes;
        }

        var raw = e.Type == EtcdWatchEventType.Delete ? e.PrevRawValue : e.RawValue;
        var kind = ValueKinds.Detect(raw, System.Text.Unicode.Utf8.IsValid(raw));
        if (decode is null || kind is ValueKind.Empty or ValueKind.Text or ValueKind.Binary)
        {
            // Locks, leader keys and other plain values are not Kubernetes objects: passed through as they are.
            MaskSecret(e);
            return null;
        }

        try
        {
            e.Decoded = KubernetesValueDecoder.Decode(raw, e.Type == EtcdWatchEventType.Delete ? e.PrevModRevision : e.ModRevision, decode, e.Key);
            return null;
        }
        catch (EtcdException ex)
        {
            // JSON that is not a Kubernetes object passes through like text; anything else that fails is reported.
            return kind == ValueKind.Json ? null : ex;
        }
        finally
        {
            MaskSecret(e);
        }
    }

    /// <summary>A Secret decoded or diffed without -ShowSecret keeps no clear value on the event.</summary>
    private void MaskSecret(EtcdWatchEvent e)
    {
        if (e.Decoded is { SecretMasked: true } || (diff is { ShowSecret: false } && e.Resource == "secrets"))
        {
            e.DropClearValues();
        }
    }

    /// <summary>The event as written to the pipeline (run on the pipeline thread).</summary>
    public object ForPipeline(object? item)
    {
        if (item is not EtcdWatchEvent e)
        {
            return item!;
        }

        var outer = PSObject.AsPSObject(e);
        if (e.Decoded is { } decoded)
        {
            KubernetesPSObjects.Wrap(decoded, out var fields);
            KubernetesPSObjects.AddFields(fields, outer, s_eventProperties);
        }

        if (diff is not null)
        {
            outer.TypeNames.Insert(0, DiffTypeName);
        }
        else if (decode is not null)
        {
            outer.TypeNames.Insert(0, DecodedTypeName);
        }

        return outer;
    }
}
