using System.Management.Automation;
using EtcdPS.Engine.Keys;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// Base of the cmdlets that read every key under a prefix (Measure-EtcdKey, Search-EtcdKey): the revision to read at,
/// the prefixes that make a key Kubernetes', and the query both build from them.
/// </summary>
public abstract class KeyspaceReadCmdlet : EtcdCmdlet
{
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long Revision { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KeyCompleter))]
    public string[]? KubernetesPrefix { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesResourceCompleter))]
    public string? Resource { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubernetesNamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>
    /// The prefix to read: <paramref name="prefix"/>, or the one -Resource and -Namespace resolve to. Warns when a
    /// prefix without a trailing '/' also matches sibling paths.
    /// </summary>
    private protected async Task<string> ResolvePrefixAsync(EtcdConnection connection, string prefix, CancellationToken cancellation)
    {
        if (Resource is null)
        {
            if (Namespace is not null)
            {
                throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument, "-Namespace goes with -Resource.",
                    Namespace, "Add -Resource (pods, deployments.apps, ...), or give the namespace in -Prefix.");
            }

            if (await KubernetesAddressing.SiblingWarningAsync(connection, prefix, Revision, cancellation).ConfigureAwait(false) is { } warning)
            {
                await WriteWarningAsync(warning).ConfigureAwait(false);
            }

            return prefix;
        }

        if (prefix.Length > 0)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                "-Prefix and -Resource name the keys two ways: give one of them.", prefix, "Leave out -Prefix when you use -Resource and -Namespace.");
        }

        var resolved = await KubernetesAddressing.ResolveAsync(connection, Resource, Namespace, null, KubernetesPrefix, Revision, cancellation).ConfigureAwait(false);
        return resolved.KeyText;
    }

    /// <summary>The query for every key under <paramref name="prefix"/> at -Revision, with -KubernetesPrefix.</summary>
    private protected KeyQuery PrefixQuery(string prefix) => new()
    {
        Range = KeyRange.Prefix(KeyReadProgress.Utf8(prefix)),
        Revision = Revision,
        KubernetesPrefixes = KubernetesPrefixes.Normalize(KubernetesPrefix),
    };
}
