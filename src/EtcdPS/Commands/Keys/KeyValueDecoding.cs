using System.Management.Automation;
using EtcdPS.Commands.Kubernetes;
using EtcdPS.Engine;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// Get-EtcdKey -Decode: decodes each value that looks like a Kubernetes object and gives the output the decoded
/// object's top-level fields, so <c>(Get-EtcdKey $k -Decode).spec.replicas</c> works and the table shows Kind and Summary.
/// </summary>
internal sealed class KeyValueDecoding
{
    /// <summary>The type name the decoded table view is selected by.</summary>
    public const string DecodedTypeName = "EtcdPS.EtcdKeyValue#Decoded";

    private static readonly IReadOnlySet<string> s_keyValueProperties = KubernetesPSObjects.PropertyNames(typeof(EtcdKeyValue));

    private readonly DecodeOptions _options;
    private readonly bool _singleKey;

    public KeyValueDecoding(DecodeOptions options, bool singleKey)
    {
        _options = options;
        _singleKey = singleKey;
    }

    /// <summary>Values that were not Kubernetes objects and were passed through undecoded.</summary>
    public long Skipped { get; private set; }

    /// <summary>Keys that went through <see cref="DecodeAllAsync"/>.</summary>
    public long Keys { get; private set; }

    /// <summary>
    /// Decodes each key as it arrives (on the worker, so the pipeline thread only builds and hands on the objects).
    /// A failure comes as a failed outcome just before its key, which is still written.
    /// </summary>
    public async IAsyncEnumerable<Outcome<EtcdKeyValue>> DecodeAllAsync(IAsyncEnumerable<EtcdKeyValue> items,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var kv in items.WithCancellation(cancellation).ConfigureAwait(false))
        {
            Keys++;
            if (Decode(kv) is { } error)
            {
                yield return Outcome<EtcdKeyValue>.Failed(error);
            }

            yield return Outcome<EtcdKeyValue>.Ok(kv);
        }
    }

    /// <summary>
    /// Decodes one key's value into <see cref="EtcdKeyValue.Decoded"/>; returns the error to report for it
    /// (non-terminating: the key is still written).
    /// In a range, plain text, binary and empty values (locks, leader keys, compact_rev_key) are not Kubernetes
    /// objects and pass through without an error; asked for one key, they are reported.
    /// </summary>
    private EtcdException? Decode(EtcdKeyValue kv)
    {
        if (!_singleKey && kv.ValueKind is ValueKind.Text or ValueKind.Binary or ValueKind.Empty)
        {
            Skipped++;
            return null;
        }

        try
        {
            kv.DecodeKubernetes(_options);
            return null;
        }
        catch (EtcdException ex)
        {
            return ex;
        }
    }

    /// <summary>
    /// The key as written to the pipeline, run on the pipeline thread: the PSObjects are built there, in the
    /// session's execution context, while the worker already decodes the next values.
    /// </summary>
    public static object ForPipeline(EtcdKeyValue kv)
    {
        if (kv.Decoded is not { } decoded)
        {
            return kv;
        }

        // Wrapping the decoded object attaches its fields to it, so kv.Decoded.spec works as well as kv.spec.
        KubernetesPSObjects.Wrap(decoded, out var fields);
        var outer = PSObject.AsPSObject(kv);
        KubernetesPSObjects.AddFields(fields, outer, s_keyValueProperties);
        outer.TypeNames.Insert(0, DecodedTypeName);
        return outer;
    }
}
