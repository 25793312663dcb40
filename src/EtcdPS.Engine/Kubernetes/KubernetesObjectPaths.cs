namespace EtcdPS.Engine.Kubernetes;

/// <summary>Which Kubernetes keys hold objects, so a non-object there is an error on read and refused on write.</summary>
internal static class KubernetesObjectPaths
{
    /// <summary>
    /// True for &lt;prefix&gt;/&lt;resource&gt;/[&lt;namespace&gt;/]&lt;name&gt;: every key the parser gives a resource and a name,
    /// except the API server's own bookkeeping keys (compact_rev_key, masterleases/..., ranges/...).
    /// </summary>
    public static bool HoldsObject(string resource, string name) =>
        resource.Length > 0 && name.Length > 0 && resource is not ("compact_rev_key" or "masterleases" or "ranges");

    /// <summary>As <see cref="HoldsObject(string, string)"/>, for a key under one of <paramref name="prefixes"/>.</summary>
    public static bool HoldsObject(string key, IReadOnlyList<string> prefixes)
    {
        var parsed = KubernetesKey.Parse(key, prefixes);
        return HoldsObject(parsed.Resource, parsed.Name);
    }
}
