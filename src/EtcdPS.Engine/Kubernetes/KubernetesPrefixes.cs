namespace EtcdPS.Engine.Kubernetes;

/// <summary>
/// The key prefixes Kubernetes API servers store their objects under. The one list: reads use it to recognise Kubernetes
/// keys (KubernetesParts, -Decode, Measure-EtcdKey's grouping) and writes to guard them (Set-/Remove-EtcdKey need -Force).
/// </summary>
internal static class KubernetesPrefixes
{
    /// <summary>The default (<c>--etcd-prefix=/registry</c>), the older <c>/kubernetes.io/</c>, and OpenShift's <c>/openshift.io/</c>.</summary>
    public static IReadOnlyList<string> Default { get; } = Array.AsReadOnly(["/registry/", "/kubernetes.io/", "/openshift.io/"]);

    /// <summary>The -KubernetesPrefix values as the key parser wants them: each ending in '/'; null when none were given.</summary>
    public static IReadOnlyList<string>? Normalize(string[]? prefixes) =>
        prefixes?.Select(p => p.EndsWith('/') ? p : p + "/").ToArray();

    /// <summary>True when <paramref name="key"/> starts with one of the default prefixes.</summary>
    public static bool IsKubernetesKey(string key) => Default.Any(p => key.StartsWith(p, StringComparison.Ordinal));
}
