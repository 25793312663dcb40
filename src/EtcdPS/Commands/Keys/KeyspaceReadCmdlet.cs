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

    /// <summary>The query for every key under <paramref name="prefix"/> at -Revision, with -KubernetesPrefix.</summary>
    private protected KeyQuery PrefixQuery(string prefix) => new()
    {
        Range = KeyRange.Prefix(KeyReadProgress.Utf8(prefix)),
        Revision = Revision,
        KubernetesPrefixes = KubernetesPrefixes.Normalize(KubernetesPrefix),
    };
}
