using System.Runtime.CompilerServices;
using System.Text.Json;

namespace EtcdPS.Engine.Keys;

/// <summary>
/// The CRDs stored under <c>&lt;root&gt;apiextensions.k8s.io/customresourcedefinitions/</c> (JSON, as the API server
/// stores them), their instance counts (count-only ranges) and their instances, all at one revision.
/// </summary>
internal sealed class CustomResourceCatalog(EtcdConnection connection, string root, long revision, bool serializable)
{
    private const string DefinitionsPath = "apiextensions.k8s.io/customresourcedefinitions/";
    private RevisionPinnedRangeReader? _counter;

    /// <summary>The revision everything was read at (known after the first read).</summary>
    public long Revision { get; private set; } = revision;

    /// <summary>Range requests made so far.</summary>
    public int RangeRequests { get; private set; }

    /// <summary>The CRDs that <paramref name="select"/> accepts, each with its instance count.</summary>
    public async IAsyncEnumerable<EtcdCustomResourceDefinition> ListAsync(Func<EtcdCustomResourceDefinition, bool> select,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var reader = new RevisionPinnedRangeReader(connection, Query(KeyRange.Prefix(root + DefinitionsPath)));
        var found = new List<EtcdCustomResourceDefinition>();
        await foreach (var kv in reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            var crd = Parse(kv, root);
            if (select(crd))
            {
                found.Add(crd);
            }
        }

        Revision = reader.Revision;
        RangeRequests += reader.RangeRequests;
        _counter ??= new RevisionPinnedRangeReader(connection, Query(KeyRange.Prefix(root)));
        foreach (var crd in found)
        {
            var count = await _counter.CountRangeAsync(KeyRange.Prefix(crd.InstancePrefix), cancellation).ConfigureAwait(false);
            RangeRequests++;
            yield return new EtcdCustomResourceDefinition
            {
                Name = crd.Name, Group = crd.Group, Kind = crd.Kind, Plural = crd.Plural, Scope = crd.Scope,
                Versions = crd.Versions, StorageVersion = crd.StorageVersion, Key = crd.Key, InstancePrefix = crd.InstancePrefix,
                Count = count, Revision = Revision,
            };
        }
    }

    /// <summary>The instances of the CRDs that <paramref name="select"/> accepts, as key-values, at one revision.</summary>
    public async IAsyncEnumerable<EtcdKeyValue> InstancesAsync(Func<EtcdCustomResourceDefinition, bool> select, string? namespaceName,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        var definitions = new List<EtcdCustomResourceDefinition>();
        var reader = new RevisionPinnedRangeReader(connection, Query(KeyRange.Prefix(root + DefinitionsPath)));
        await foreach (var kv in reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            var crd = Parse(kv, root);
            if (select(crd))
            {
                definitions.Add(crd);
            }
        }

        Revision = reader.Revision;
        RangeRequests += reader.RangeRequests;
        foreach (var crd in definitions)
        {
            var prefix = string.IsNullOrEmpty(namespaceName) ? crd.InstancePrefix : $"{crd.InstancePrefix}{namespaceName}/";
            var instances = new RevisionPinnedRangeReader(connection, Query(KeyRange.Prefix(prefix)));
            await foreach (var kv in instances.ReadAsync(cancellation).ConfigureAwait(false))
            {
                yield return kv;
            }

            RangeRequests += instances.RangeRequests;
        }
    }

    private KeyQuery Query(KeyRange range) => new()
    {
        Range = range,
        Revision = Revision,
        Serializable = serializable,
        KubernetesPrefixes = [root],
    };

    /// <summary>A CRD from its stored JSON; from its key alone (plural.group) when the value is not JSON.</summary>
    internal static EtcdCustomResourceDefinition Parse(EtcdKeyValue kv, string root)
    {
        var name = kv.Key[(kv.Key.LastIndexOf('/') + 1)..];
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        string plural = dot > 0 ? name[..dot] : name, group = dot > 0 ? name[(dot + 1)..] : string.Empty;
        string kind = string.Empty, scope = string.Empty, storage = string.Empty;
        var versions = new List<string>();
        if (kv.ValueKind == ValueKind.Json && kv.Value is { } json)
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                var spec = document.RootElement.TryGetProperty("spec", out var s) ? s : default;
                if (spec.ValueKind == JsonValueKind.Object)
                {
                    group = Text(spec, "group") ?? group;
                    scope = Text(spec, "scope") ?? scope;
                    if (spec.TryGetProperty("names", out var names) && names.ValueKind == JsonValueKind.Object)
                    {
                        kind = Text(names, "kind") ?? kind;
                        plural = Text(names, "plural") ?? plural;
                    }

                    if (spec.TryGetProperty("versions", out var list) && list.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var version in list.EnumerateArray())
                        {
                            if (Text(version, "name") is { } v)
                            {
                                versions.Add(v);
                                if (version.TryGetProperty("storage", out var st) && st.ValueKind == JsonValueKind.True)
                                {
                                    storage = v;
                                }
                            }
                        }
                    }
                    else if (Text(spec, "version") is { } single)
                    {
                        // apiextensions.k8s.io/v1beta1 CRDs with the single spec.version field.
                        versions.Add(single);
                        storage = single;
                    }
                }
            }
            catch (JsonException)
            {
                // A damaged CRD value: keep what the key says.
            }
        }

        return new EtcdCustomResourceDefinition
        {
            Name = name,
            Group = group,
            Kind = kind,
            Plural = plural,
            Scope = scope,
            Versions = versions.ToArray(),
            StorageVersion = storage,
            Key = kv.Key,
            InstancePrefix = $"{root}{group}/{plural}/",
            Revision = kv.Revision,
        };
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
