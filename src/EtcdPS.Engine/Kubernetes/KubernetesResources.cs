namespace EtcdPS.Engine.Kubernetes;

/// <summary>A built-in resource as the API names it and where the API server stores it.</summary>
internal sealed record BuiltInResource(string Resource, string Group, string StoragePath, bool Namespaced, string[] ShortNames);

/// <summary>
/// The built-in resources and their storage paths under the prefix (<c>/registry/</c>): most are stored under their
/// bare resource name whatever their group, a few under a historical name (<c>minions</c>, <c>controllers</c>,
/// <c>services/specs</c>, <c>ingress</c>) or under their group (CRDs, APIServices). Custom resources live under
/// <c>&lt;group&gt;/&lt;plural&gt;</c>.
/// </summary>
internal static class KubernetesResources
{
    private static readonly BuiltInResource[] s_all =
    [
        new("pods", "", "pods", true, ["po", "pod"]),
        new("services", "", "services/specs", true, ["svc", "service"]),
        new("endpoints", "", "services/endpoints", true, ["ep"]),
        new("nodes", "", "minions", false, ["no", "node", "minions"]),
        new("replicationcontrollers", "", "controllers", true, ["rc", "controllers"]),
        new("namespaces", "", "namespaces", false, ["ns", "namespace"]),
        new("configmaps", "", "configmaps", true, ["cm", "configmap"]),
        new("secrets", "", "secrets", true, ["secret"]),
        new("serviceaccounts", "", "serviceaccounts", true, ["sa", "serviceaccount"]),
        new("persistentvolumes", "", "persistentvolumes", false, ["pv"]),
        new("persistentvolumeclaims", "", "persistentvolumeclaims", true, ["pvc"]),
        new("events", "", "events", true, ["ev", "event"]),
        new("limitranges", "", "limitranges", true, ["limits"]),
        new("resourcequotas", "", "resourcequotas", true, ["quota"]),
        new("podtemplates", "", "podtemplates", true, []),
        new("deployments", "apps", "deployments", true, ["deploy", "deployment"]),
        new("replicasets", "apps", "replicasets", true, ["rs", "replicaset"]),
        new("statefulsets", "apps", "statefulsets", true, ["sts", "statefulset"]),
        new("daemonsets", "apps", "daemonsets", true, ["ds", "daemonset"]),
        new("controllerrevisions", "apps", "controllerrevisions", true, []),
        new("jobs", "batch", "jobs", true, ["job"]),
        new("cronjobs", "batch", "cronjobs", true, ["cj", "cronjob"]),
        new("leases", "coordination.k8s.io", "leases", true, ["lease"]),
        new("leasecandidates", "coordination.k8s.io", "leasecandidates", true, []),
        new("ingresses", "networking.k8s.io", "ingress", true, ["ing", "ingress"]),
        new("ingressclasses", "networking.k8s.io", "ingressclasses", false, []),
        new("networkpolicies", "networking.k8s.io", "networkpolicies", true, ["netpol"]),
        new("ipaddresses", "networking.k8s.io", "ipaddresses", false, []),
        new("servicecidrs", "networking.k8s.io", "servicecidrs", false, []),
        new("endpointslices", "discovery.k8s.io", "endpointslices", true, []),
        new("roles", "rbac.authorization.k8s.io", "roles", true, []),
        new("rolebindings", "rbac.authorization.k8s.io", "rolebindings", true, []),
        new("clusterroles", "rbac.authorization.k8s.io", "clusterroles", false, []),
        new("clusterrolebindings", "rbac.authorization.k8s.io", "clusterrolebindings", false, []),
        new("horizontalpodautoscalers", "autoscaling", "horizontalpodautoscalers", true, ["hpa"]),
        new("poddisruptionbudgets", "policy", "poddisruptionbudgets", true, ["pdb"]),
        new("podsecuritypolicies", "policy", "podsecuritypolicy", false, ["psp"]),
        new("priorityclasses", "scheduling.k8s.io", "priorityclasses", false, ["pc"]),
        new("storageclasses", "storage.k8s.io", "storageclasses", false, ["sc"]),
        new("volumeattachments", "storage.k8s.io", "volumeattachments", false, []),
        new("csinodes", "storage.k8s.io", "csinodes", false, []),
        new("csidrivers", "storage.k8s.io", "csidrivers", false, []),
        new("csistoragecapacities", "storage.k8s.io", "csistoragecapacities", true, []),
        new("volumeattributesclasses", "storage.k8s.io", "volumeattributesclasses", false, []),
        new("certificatesigningrequests", "certificates.k8s.io", "certificatesigningrequests", false, ["csr"]),
        new("clustertrustbundles", "certificates.k8s.io", "clustertrustbundles", false, []),
        new("mutatingwebhookconfigurations", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", false, []),
        new("validatingwebhookconfigurations", "admissionregistration.k8s.io", "validatingwebhookconfigurations", false, []),
        new("validatingadmissionpolicies", "admissionregistration.k8s.io", "validatingadmissionpolicies", false, []),
        new("validatingadmissionpolicybindings", "admissionregistration.k8s.io", "validatingadmissionpolicybindings", false, []),
        new("mutatingadmissionpolicies", "admissionregistration.k8s.io", "mutatingadmissionpolicies", false, []),
        new("mutatingadmissionpolicybindings", "admissionregistration.k8s.io", "mutatingadmissionpolicybindings", false, []),
        new("runtimeclasses", "node.k8s.io", "runtimeclasses", false, []),
        new("flowschemas", "flowcontrol.apiserver.k8s.io", "flowschemas", false, []),
        new("prioritylevelconfigurations", "flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations", false, []),
        new("deviceclasses", "resource.k8s.io", "deviceclasses", false, []),
        new("resourceclaims", "resource.k8s.io", "resourceclaims", true, []),
        new("resourceclaimtemplates", "resource.k8s.io", "resourceclaimtemplates", true, []),
        new("resourceslices", "resource.k8s.io", "resourceslices", false, []),
        new("storageversions", "internal.apiserver.k8s.io", "storageversions", false, []),
        new("storageversionmigrations", "storagemigration.k8s.io", "storageversionmigrations", false, []),
        new("customresourcedefinitions", "apiextensions.k8s.io", "apiextensions.k8s.io/customresourcedefinitions", false, ["crd", "crds"]),
        new("apiservices", "apiregistration.k8s.io", "apiregistration.k8s.io/apiservices", false, []),
    ];

    // Groups whose resources used to live in another group and are still stored in the same place.
    private static readonly Dictionary<string, string[]> s_formerGroups = new(StringComparer.Ordinal)
    {
        ["extensions"] = ["apps", "networking.k8s.io", "policy"],
    };

    /// <summary>Every built-in resource, for completion.</summary>
    public static IReadOnlyList<BuiltInResource> All => s_all;

    /// <summary>
    /// The built-in resource that <paramref name="name"/> names: its plural, singular or short name (case-insensitive),
    /// optionally with its group (<c>deployments.apps</c>, also a former group such as <c>deployments.extensions</c>).
    /// Null when it is not a built-in resource (then it may be a custom resource).
    /// </summary>
    public static BuiltInResource? Find(string name, out string? group)
    {
        var (resource, g) = Split(name);
        group = g;
        foreach (var r in s_all)
        {
            var named = string.Equals(r.Resource, resource, StringComparison.OrdinalIgnoreCase)
                || r.ShortNames.Contains(resource, StringComparer.OrdinalIgnoreCase);
            if (named && (g is null || GroupMatches(r.Group, g)))
            {
                return r;
            }
        }

        return null;
    }

    private static bool GroupMatches(string group, string asked) =>
        string.Equals(group, asked, StringComparison.OrdinalIgnoreCase)
        || (group.Length == 0 && asked is "core" or "v1")
        || (s_formerGroups.TryGetValue(asked.ToLowerInvariant(), out var now) && now.Contains(group, StringComparer.Ordinal));

    /// <summary>Splits <c>deployments.apps</c> into the resource and the group (null without one).</summary>
    public static (string Resource, string? Group) Split(string name)
    {
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (name, null) : (name[..dot], name[(dot + 1)..]);
    }
}
