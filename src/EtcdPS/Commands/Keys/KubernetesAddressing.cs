using EtcdPS.Engine.Keys;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Commands.Keys;

/// <summary>
/// The one way cmdlets turn -Resource/-Namespace/-Name into a key range, -LabelSelector/-FieldSelector/-OwnerUid/
/// -OwnerName into an <see cref="ObjectFilter"/>, and warn about a prefix that also matches sibling paths.
/// </summary>
internal static class KubernetesAddressing
{
    /// <summary>How many sibling names a warning shows.</summary>
    private const int SiblingsShown = 5;

    public static Task<KubernetesAddress.Resolved> ResolveAsync(EtcdConnection connection, string resource, string? ns, string? name,
        string[]? kubernetesPrefix, long revision, CancellationToken cancellation)
    {
        var root = kubernetesPrefix is { Length: > 0 } ? kubernetesPrefix[0] : "/registry/";
        return new KubernetesAddress(resource, ns, name, root).ResolveAsync(connection, revision, cancellation);
    }

    /// <summary>The filter of the given selectors; null when none is given.</summary>
    /// <exception cref="EtcdException">EtcdInvalidArgument: a selector that does not parse.</exception>
    public static ObjectFilter? Filter(string? labelSelector, string? fieldSelector, string? ownerUid, string? ownerName, DecodeOptions options)
    {
        if (labelSelector is null && fieldSelector is null && ownerUid is null && ownerName is null)
        {
            return null;
        }

        try
        {
            return new ObjectFilter
            {
                Labels = labelSelector is null ? null : LabelSelector.Parse(labelSelector),
                Fields = fieldSelector is null ? null : FieldSelector.Parse(fieldSelector),
                OwnerUid = ownerUid,
                OwnerName = ownerName,
                Options = options,
            };
        }
        catch (FormatException ex)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument, ex.Message,
                labelSelector ?? fieldSelector, "Write selectors as kubectl takes them: -LabelSelector 'app=web,tier!=db,env in (a,b)', -FieldSelector 'status.phase=Running'.");
        }
    }

    /// <summary>The warning for a prefix that also matches sibling paths; null when there is no trap.</summary>
    public static async Task<string?> SiblingWarningAsync(EtcdConnection connection, string prefix, long revision, CancellationToken cancellation)
    {
        var siblings = await SiblingProbe.FindAsync(connection, prefix, revision, SiblingsShown + 1, cancellation).ConfigureAwait(false);
        if (siblings.Count == 0)
        {
            return null;
        }

        var shown = string.Join(", ", siblings.Take(SiblingsShown)) + (siblings.Count > SiblingsShown ? ", ..." : string.Empty);
        return $"The prefix '{prefix}' also matches sibling paths ({shown}), not only '{prefix}/'. "
            + $"End it with '/' to read only below '{prefix}/'{(KubernetesKey.Parse(prefix).IsKubernetes ? ", or use -Resource, -Namespace and -Name" : string.Empty)}.";
    }
}
