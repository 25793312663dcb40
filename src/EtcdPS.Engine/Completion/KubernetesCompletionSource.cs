using EtcdPS.Engine.Keys;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Engine.Completion;

/// <summary>Resource and namespace names for completion: the built-in resources, the CRDs stored in etcd and the namespaces.</summary>
internal static class KubernetesCompletionSource
{
    private const string Root = "/registry/";

    /// <summary>Resource names starting with <paramref name="typed"/>: built-in plurals, then custom resources as plural.group.</summary>
    public static async Task<IReadOnlyList<string>> ResourcesAsync(EtcdConnection connection, string typed, int max, CancellationToken cancellation)
    {
        var names = KubernetesResources.All.Select(r => r.Resource).ToList();
        var crds = new RevisionPinnedRangeReader(connection, new KeyQuery
        {
            Range = KeyRange.Prefix(Root + "apiextensions.k8s.io/customresourcedefinitions/"),
            KeysOnly = true,
            Limit = max,
        });
        await foreach (var kv in crds.ReadAsync(cancellation).ConfigureAwait(false))
        {
            names.Add(kv.Key[(kv.Key.LastIndexOf('/') + 1)..]);
        }

        return names.Where(n => n.StartsWith(typed, StringComparison.OrdinalIgnoreCase)).Distinct().Order(StringComparer.Ordinal).Take(max).ToArray();
    }

    /// <summary>Namespace names starting with <paramref name="typed"/>, from the Namespace objects (keys only).</summary>
    public static async Task<IReadOnlyList<string>> NamespacesAsync(EtcdConnection connection, string typed, int max, CancellationToken cancellation)
    {
        var prefix = Root + "namespaces/";
        var reader = new RevisionPinnedRangeReader(connection, new KeyQuery
        {
            Range = KeyRange.Prefix(prefix + typed),
            KeysOnly = true,
            Limit = max,
        });
        var names = new List<string>();
        await foreach (var kv in reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            names.Add(kv.Key[prefix.Length..]);
        }

        return names;
    }
}
