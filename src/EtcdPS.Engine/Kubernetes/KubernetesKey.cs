namespace EtcdPS.Engine.Kubernetes;

/// <summary>
/// The parts of a Kubernetes storage key: <c>&lt;prefix&gt;/&lt;resource&gt;/[&lt;namespace&gt;/]&lt;name&gt;</c>,
/// with <c>&lt;group&gt;/&lt;resource&gt;</c> for grouped and custom resources. A key outside a Kubernetes prefix
/// gives <see cref="None"/>.
/// </summary>
internal readonly record struct KubernetesKey(string Group, string Resource, string Namespace, string Name)
{
    public static readonly KubernetesKey None = new(string.Empty, string.Empty, string.Empty, string.Empty);

    public bool IsKubernetes => Resource.Length > 0;

    // Storage names that differ from the API resource, and built-in resources stored without their group segment.
    private static readonly Dictionary<string, (string Group, string Resource)> s_builtIn = new(StringComparer.Ordinal)
    {
        ["minions"] = ("", "nodes"),
        ["controllers"] = ("", "replicationcontrollers"),
        ["ingress"] = ("networking.k8s.io", "ingresses"),
        ["deployments"] = ("apps", "deployments"),
        ["replicasets"] = ("apps", "replicasets"),
        ["statefulsets"] = ("apps", "statefulsets"),
        ["daemonsets"] = ("apps", "daemonsets"),
        ["controllerrevisions"] = ("apps", "controllerrevisions"),
        ["jobs"] = ("batch", "jobs"),
        ["cronjobs"] = ("batch", "cronjobs"),
        ["leases"] = ("coordination.k8s.io", "leases"),
        ["networkpolicies"] = ("networking.k8s.io", "networkpolicies"),
        ["ingressclasses"] = ("networking.k8s.io", "ingressclasses"),
        ["ipaddresses"] = ("networking.k8s.io", "ipaddresses"),
        ["servicecidrs"] = ("networking.k8s.io", "servicecidrs"),
        ["endpointslices"] = ("discovery.k8s.io", "endpointslices"),
        ["roles"] = ("rbac.authorization.k8s.io", "roles"),
        ["rolebindings"] = ("rbac.authorization.k8s.io", "rolebindings"),
        ["clusterroles"] = ("rbac.authorization.k8s.io", "clusterroles"),
        ["clusterrolebindings"] = ("rbac.authorization.k8s.io", "clusterrolebindings"),
        ["horizontalpodautoscalers"] = ("autoscaling", "horizontalpodautoscalers"),
        ["poddisruptionbudgets"] = ("policy", "poddisruptionbudgets"),
        ["podsecuritypolicy"] = ("policy", "podsecuritypolicies"),
        ["priorityclasses"] = ("scheduling.k8s.io", "priorityclasses"),
        ["storageclasses"] = ("storage.k8s.io", "storageclasses"),
        ["volumeattachments"] = ("storage.k8s.io", "volumeattachments"),
        ["csinodes"] = ("storage.k8s.io", "csinodes"),
        ["csidrivers"] = ("storage.k8s.io", "csidrivers"),
        ["csistoragecapacities"] = ("storage.k8s.io", "csistoragecapacities"),
        ["certificatesigningrequests"] = ("certificates.k8s.io", "certificatesigningrequests"),
        ["mutatingwebhookconfigurations"] = ("admissionregistration.k8s.io", "mutatingwebhookconfigurations"),
        ["validatingwebhookconfigurations"] = ("admissionregistration.k8s.io", "validatingwebhookconfigurations"),
        ["validatingadmissionpolicies"] = ("admissionregistration.k8s.io", "validatingadmissionpolicies"),
        ["validatingadmissionpolicybindings"] = ("admissionregistration.k8s.io", "validatingadmissionpolicybindings"),
        ["runtimeclasses"] = ("node.k8s.io", "runtimeclasses"),
        ["flowschemas"] = ("flowcontrol.apiserver.k8s.io", "flowschemas"),
        ["prioritylevelconfigurations"] = ("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations"),
        ["volumeattributesclasses"] = ("storage.k8s.io", "volumeattributesclasses"),
        ["clustertrustbundles"] = ("certificates.k8s.io", "clustertrustbundles"),
        ["leasecandidates"] = ("coordination.k8s.io", "leasecandidates"),
        ["deviceclasses"] = ("resource.k8s.io", "deviceclasses"),
        ["resourceclaims"] = ("resource.k8s.io", "resourceclaims"),
        ["resourceclaimtemplates"] = ("resource.k8s.io", "resourceclaimtemplates"),
        ["resourceslices"] = ("resource.k8s.io", "resourceslices"),
        ["storageversions"] = ("internal.apiserver.k8s.io", "storageversions"),
        ["storageversionmigrations"] = ("storagemigration.k8s.io", "storageversionmigrations"),
        ["mutatingadmissionpolicies"] = ("admissionregistration.k8s.io", "mutatingadmissionpolicies"),
        ["mutatingadmissionpolicybindings"] = ("admissionregistration.k8s.io", "mutatingadmissionpolicybindings"),
    };

    // Resources without a namespace segment; any other resource is namespaced when the key has room for one.
    private static readonly HashSet<string> s_clusterScoped = new(StringComparer.Ordinal)
    {
        "namespaces", "nodes", "persistentvolumes", "clusterroles", "clusterrolebindings", "customresourcedefinitions",
        "storageclasses", "priorityclasses", "csinodes", "csidrivers", "volumeattachments", "certificatesigningrequests",
        "mutatingwebhookconfigurations", "validatingwebhookconfigurations", "validatingadmissionpolicies",
        "validatingadmissionpolicybindings", "apiservices", "runtimeclasses", "flowschemas", "prioritylevelconfigurations",
        "ingressclasses", "podsecuritypolicies", "ipaddresses", "servicecidrs", "componentstatuses",
        "storageversions", "clustertrustbundles", "deviceclasses", "volumeattributesclasses", "resourceslices",
        "mutatingadmissionpolicies", "mutatingadmissionpolicybindings", "storageversionmigrations",
    };

    /// <summary>Parses a key with the default prefixes (/registry, /kubernetes.io).</summary>
    public static KubernetesKey Parse(string key) => Parse(key, KubernetesPrefixes.Default);

    /// <summary>Parses a key under one of the given prefixes (each ending in '/').</summary>
    public static KubernetesKey Parse(string key, IReadOnlyList<string> prefixes)
    {
        string? rest = null;
        foreach (var prefix in prefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                rest = key[prefix.Length..];
                break;
            }
        }

        if (string.IsNullOrEmpty(rest))
        {
            return None;
        }

        var parts = rest.Split('/');
        var first = parts[0];
        switch (first)
        {
            case "compact_rev_key":
                return new KubernetesKey(string.Empty, first, string.Empty, string.Empty);
            case "masterleases":
            case "ranges":
                return new KubernetesKey(string.Empty, first, string.Empty, string.Join('/', parts.Skip(1)));
            case "services" when parts.Length >= 2 && parts[1] is "specs" or "endpoints":
                return Objects(string.Empty, parts[1] == "specs" ? "services" : "endpoints", parts.AsSpan(2));
        }

        if (first.Contains('.', StringComparison.Ordinal))
        {
            // <group>/<resource>/...: API groups always contain a dot, plain resource names never do.
            return parts.Length >= 2 ? Objects(first, parts[1], parts.AsSpan(2)) : None;
        }

        var (group, resource) = s_builtIn.TryGetValue(first, out var known) ? known : (string.Empty, first);
        return Objects(group, resource, parts.AsSpan(1));
    }

    private static KubernetesKey Objects(string group, string resource, ReadOnlySpan<string> rest)
    {
        if (resource.Length == 0)
        {
            return None;
        }

        // A trailing '/' (a prefix rather than an object key) adds an empty segment that names nothing.
        if (rest.Length > 0 && rest[^1].Length == 0)
        {
            rest = rest[..^1];
        }

        if (s_clusterScoped.Contains(resource))
        {
            return new KubernetesKey(group, resource, string.Empty, string.Join('/', rest.ToArray()));
        }

        // Object names never contain '/': one segment is a cluster-scoped object (cluster-scoped custom resources
        // are not known in advance), two are namespace/name.
        return rest.Length switch
        {
            0 => new KubernetesKey(group, resource, string.Empty, string.Empty),
            1 => new KubernetesKey(group, resource, string.Empty, rest[0]),
            _ => new KubernetesKey(group, resource, rest[0], string.Join('/', rest[1..].ToArray())),
        };
    }
}
