namespace EtcdPS.Commands.Keys;

/// <summary>The -KubernetesPrefix values as the key parser wants them: each ending in '/'.</summary>
internal static class KubernetesPrefixes
{
    public static IReadOnlyList<string>? Normalize(string[]? prefixes) =>
        prefixes?.Select(p => p.EndsWith('/') ? p : p + "/").ToArray();
}
