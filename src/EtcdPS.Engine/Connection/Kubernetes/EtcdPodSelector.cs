using k8s.Models;

namespace EtcdPS.Engine.Connection.Kubernetes;

/// <summary>Chooses one etcd pod among those the label selector found.</summary>
internal static class EtcdPodSelector
{
    /// <summary>
    /// With a name, that pod; otherwise a Running pod whose Ready condition is true, by name so the choice is
    /// stable. A pod that is not running cannot be port-forwarded to, so that is an error rather than a guess.
    /// </summary>
    public static EtcdPodTarget Choose(IReadOnlyList<V1Pod> pods, string? podName, string @namespace, string context)
    {
        var names = pods.Select(p => p.Metadata?.Name ?? string.Empty).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        if (pods.Count == 0)
        {
            throw new EtcdException(EtcdErrorIds.PodNotFound, EtcdErrorCategory.ObjectNotFound,
                $"No pod with the label {KubernetesEtcdOptions.EtcdLabelSelector} is in the namespace '{@namespace}' of context '{context}'.",
                @namespace,
                "Check -Namespace and -Context (kubeadm runs etcd as static pods in kube-system). Managed clusters (EKS, AKS, GKE) do not expose etcd; connect to an external etcd with -Endpoint.");
        }

        V1Pod chosen;
        string reason;
        if (podName is not null)
        {
            chosen = pods.FirstOrDefault(p => p.Metadata?.Name == podName)
                ?? throw new EtcdException(EtcdErrorIds.PodNotFound, EtcdErrorCategory.ObjectNotFound,
                    $"The etcd pod '{podName}' is not in the namespace '{@namespace}' (etcd pods there: {string.Join(", ", names)}).",
                    podName, $"Give -Pod one of: {string.Join(", ", names)}.");
            reason = $"Using etcd pod {@namespace}/{podName} (-Pod){OnNode(chosen)}.";
        }
        else
        {
            var ranked = pods
                .OrderByDescending(IsReady)
                .ThenByDescending(IsRunning)
                .ThenBy(p => p.Metadata?.Name, StringComparer.Ordinal)
                .ToArray();
            chosen = ranked[0];
            var name = chosen.Metadata?.Name;
            reason = pods.Count == 1
                ? $"Using etcd pod {@namespace}/{name}{OnNode(chosen)}, the only pod with label {KubernetesEtcdOptions.EtcdLabelSelector}."
                : $"Chose etcd pod {@namespace}/{name}{OnNode(chosen)} ({State(chosen)}) among {pods.Count}: {string.Join(", ", ranked.Select(p => $"{p.Metadata?.Name} ({State(p)})"))}. Use -Pod to pick another.";
        }

        if (!IsRunning(chosen))
        {
            throw new EtcdException(EtcdErrorIds.PodNotFound, EtcdErrorCategory.ResourceUnavailable,
                $"The etcd pod {@namespace}/{chosen.Metadata?.Name} is not running ({State(chosen)}); no etcd pod in '{@namespace}' is.",
                chosen.Metadata?.Name, "Check the control plane (kubectl -n kube-system describe pod), or pick a running pod with -Pod.");
        }

        return EtcdPodTarget.FromPod(chosen, reason);
    }

    public static bool IsRunning(V1Pod pod) => pod.Status?.Phase == "Running";

    public static bool IsReady(V1Pod pod) =>
        IsRunning(pod) && (pod.Status?.Conditions ?? []).Any(c => c.Type == "Ready" && c.Status == "True");

    private static string State(V1Pod pod) => IsReady(pod) ? "Running, Ready" : IsRunning(pod) ? "Running, not Ready" : pod.Status?.Phase ?? "Unknown";

    private static string OnNode(V1Pod pod) => string.IsNullOrEmpty(pod.Spec?.NodeName) ? string.Empty : $" on node {pod.Spec.NodeName}";
}
