using System.Runtime.CompilerServices;
using System.Text;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Engine.Keys;

/// <summary>
/// Streams the keys of a range whose name (and optionally value) matches. Without value matching the range is
/// read keys-only: etcd sends no values at all.
/// </summary>
internal sealed class KeySearch(EtcdConnection connection, KeyQuery query, Func<string, bool> matches, bool inValue, RangePaging? paging = null)
{
    private RevisionPinnedRangeReader? _reader;

    public RevisionPinnedRangeReader Reader => _reader ??= new(connection, query with { KeysOnly = !inValue }, paging) { Progress = Progress };

    public Action<RangeProgress>? Progress { get; init; }

    public async IAsyncEnumerable<EtcdKeyValue> SearchAsync([EnumeratorCancellation] CancellationToken cancellation)
    {
        var prefixes = query.KubernetesPrefixes ?? KubernetesPrefixes.Default;
        var reader = Reader;
        await foreach (var kv in reader.ReadRawAsync(cancellation).ConfigureAwait(false))
        {
            if (matches(ValueKinds.KeyToText(kv.Key.Span)) || (inValue && matches(ValueText(kv.Value.Span))))
            {
                yield return EtcdKeyValue.FromProto(kv, reader.Revision, prefixes, valueRead: inValue);
            }
        }
    }

    /// <summary>
    /// The value as text to match. Kubernetes protobuf and CBOR values are decoded and matched as their compact JSON
    /// (so <c>*"replicas":3*</c> finds Deployments), with Secret data masked so a search cannot probe secret values.
    /// Other values match as their UTF-8 text, or the bytes decoded leniently when they are binary.
    /// </summary>
    internal static string ValueText(ReadOnlySpan<byte> value)
    {
        var kind = ValueKinds.Detect(value, isUtf8: ValueKinds.TryDecodeUtf8(value) is not null);
        if (kind == ValueKind.Json)
        {
            // A Secret stored as JSON (Kubernetes before protobuf, or written by hand) matches as its masked form too.
            try
            {
                var decoded = KubernetesValueDecoder.Decode(value.ToArray(), 0, DecodeOptions.Default);
                if (decoded.SecretMasked)
                {
                    return decoded.ToJson(indented: false) ?? string.Empty;
                }
            }
            catch (EtcdException)
            {
                // Not a Kubernetes object: plain JSON, matched as it is.
            }
        }

        if (kind is ValueKind.KubernetesProtobuf or ValueKind.Cbor)
        {
            try
            {
                return KubernetesValueDecoder.Decode(value.ToArray(), 0, DecodeOptions.Default).ToJson(indented: false) ?? string.Empty;
            }
            catch (EtcdException)
            {
                // Not decodable after all: fall back to the bytes themselves.
            }
        }

        return ValueKinds.TryDecodeUtf8(value) ?? Encoding.UTF8.GetString(value);
    }
}
