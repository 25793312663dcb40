using System.Text;
using EtcdPS.Engine.Keys;

namespace EtcdPS.Engine.Kubernetes;

/// <summary>
/// Objects named the Kubernetes way (-Resource, -Namespace, -Name) instead of by key prefix. Resolves to an exact
/// key range, always ending the prefix in '/', so <c>-Namespace shop</c> never also matches <c>shop-001</c>.
/// </summary>
internal sealed record KubernetesAddress(string Resource, string? Namespace, string? Name, string Root = "/registry/")
{
    private const string DefinitionsPath = "apiextensions.k8s.io/customresourcedefinitions/";

    /// <summary>The storage path of the resource, e.g. <c>/registry/deployments/</c>, and whether it is namespaced.</summary>
    internal sealed record Resolved(string ResourcePath, bool? Namespaced, string Description, KeyRange Range)
    {
        /// <summary>True when the address names one object.</summary>
        public bool IsSingleObject => Range.IsSingleKey;

        /// <summary>The object's key, or the prefix (ending in '/') of the objects, as text.</summary>
        public string KeyText => Encoding.UTF8.GetString(Range.Start);
    }

    /// <summary>
    /// Resolves the address: built-in resources from the table, anything else from the CRDs stored in etcd (one
    /// keys-and-values read of the CRD prefix, which holds a few hundred small JSON values at most).
    /// </summary>
    /// <exception cref="EtcdException">EtcdInvalidArgument: an unknown or ambiguous resource, or a namespace on a cluster-scoped one.</exception>
    public async Task<Resolved> ResolveAsync(EtcdConnection connection, long revision, CancellationToken cancellation)
    {
        var root = Root.EndsWith('/') ? Root : Root + "/";
        string path;
        bool? namespaced;
        string display;
        if (KubernetesResources.Find(Resource, out _) is { } builtIn)
        {
            path = root + builtIn.StoragePath + "/";
            namespaced = builtIn.Namespaced;
            display = builtIn.Group.Length == 0 ? builtIn.Resource : $"{builtIn.Resource}.{builtIn.Group}";
        }
        else
        {
            var crd = await FindCustomResourceAsync(connection, root, revision, cancellation).ConfigureAwait(false);
            path = crd.InstancePrefix;
            namespaced = crd.Scope.Length == 0 ? null : string.Equals(crd.Scope, "Namespaced", StringComparison.OrdinalIgnoreCase);
            display = $"{crd.Plural}.{crd.Group}";
        }

        if (!string.IsNullOrEmpty(Namespace) && namespaced == false)
        {
            throw Invalid($"{display} are cluster-scoped: they have no namespace. Leave out -Namespace.");
        }

        if (!string.IsNullOrEmpty(Name) && string.IsNullOrEmpty(Namespace) && namespaced == true)
        {
            throw Invalid($"{display} are namespaced: give -Namespace with -Name (or leave out -Name to list every namespace).");
        }

        CheckSegment(Namespace, "-Namespace");
        CheckSegment(Name, "-Name");
        var prefix = string.IsNullOrEmpty(Namespace) ? path : $"{path}{Namespace}/";
        if (!string.IsNullOrEmpty(Name))
        {
            var key = prefix + Name;
            return new Resolved(path, namespaced, $"{display} {(string.IsNullOrEmpty(Namespace) ? "" : Namespace + "/")}{Name} ({key})",
                KeyRange.Single(Encoding.UTF8.GetBytes(key)));
        }

        var what = string.IsNullOrEmpty(Namespace) ? display : $"{display} in namespace {Namespace}";
        return new Resolved(path, namespaced, $"{what} ({prefix})", KeyRange.Prefix(prefix));
    }

    private async Task<EtcdCustomResourceDefinition> FindCustomResourceAsync(EtcdConnection connection, string root, long revision,
        CancellationToken cancellation)
    {
        var (resource, group) = KubernetesResources.Split(Resource);
        var reader = new RevisionPinnedRangeReader(connection, new KeyQuery
        {
            Range = KeyRange.Prefix(root + DefinitionsPath),
            Revision = revision,
            KubernetesPrefixes = [root],
        });
        var matches = new List<EtcdCustomResourceDefinition>();
        await foreach (var kv in reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            var crd = CustomResourceCatalog.Parse(kv, root);
            var named = string.Equals(crd.Plural, resource, StringComparison.OrdinalIgnoreCase)
                || string.Equals(crd.Kind, resource, StringComparison.OrdinalIgnoreCase);
            if (named && (group is null || string.Equals(crd.Group, group, StringComparison.OrdinalIgnoreCase)))
            {
                matches.Add(crd);
            }
        }

        if (matches.Count == 1)
        {
            return matches[0];
        }

        if (matches.Count > 1)
        {
            throw Invalid($"'{Resource}' is ambiguous: {string.Join(", ", matches.Select(m => $"{m.Plural}.{m.Group}"))}. Give the group, e.g. -Resource {matches[0].Plural}.{matches[0].Group}.");
        }

        if (group is not null && group.Contains('.', StringComparison.Ordinal))
        {
            // A custom resource whose CRD is not stored (deleted, or another prefix): its instances are still where
            // the API server put them.
            return new EtcdCustomResourceDefinition
            {
                Name = $"{resource}.{group}", Plural = resource.ToLowerInvariant(), Group = group.ToLowerInvariant(),
                InstancePrefix = $"{root}{group.ToLowerInvariant()}/{resource.ToLowerInvariant()}/",
            };
        }

        throw Invalid($"'{Resource}' is not a built-in resource and no CustomResourceDefinition under {root}{DefinitionsPath} names it (at revision {reader.Revision}).");
    }

    private static void CheckSegment(string? value, string parameter)
    {
        if (!string.IsNullOrEmpty(value) && value.Contains('/', StringComparison.Ordinal))
        {
            throw Invalid($"{parameter} '{value}' contains '/': Kubernetes names and namespaces never do.");
        }
    }

    private static EtcdException Invalid(string message) =>
        new(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument, message, null,
            "Name a built-in resource (pods, deployments.apps, ...) or a custom resource by its plural (Get-EtcdCustomResource lists them).");
}
