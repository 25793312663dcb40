namespace EtcdPS.Engine.Lab;

/// <summary>
/// The shape of a seed: how many workload namespaces, deployments, pods and nodes. Every count the lab promises
/// follows from these numbers (see <see cref="ExpectedCounts"/>), and the tests hold the seed to them.
/// </summary>
internal sealed record LabScale(int WorkloadNamespaces, int DeploymentsPerNamespace, int PodsPerDeployment, int Nodes)
{
    /// <summary>Namespaces every cluster has, without workloads: default, kube-system, kube-public, kube-node-lease.</summary>
    public static readonly string[] SystemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    /// <summary>The built-in cluster roles written by the seed.</summary>
    public static readonly string[] ClusterRoles =
    [
        "cluster-admin", "admin", "edit", "view", "system:basic-user", "system:discovery", "system:public-info-viewer",
        "system:node", "system:kube-scheduler", "system:kube-controller-manager",
        "system:controller:deployment-controller", "system:controller:replicaset-controller",
    ];

    /// <summary>Events written per pod (Scheduled and Started).</summary>
    public const int EventsPerPod = 2;

    /// <summary>Instances of each custom resource kind per workload namespace.</summary>
    public const int CustomResourcesPerNamespace = 2;

    public static LabScale For(EtcdLabSeed seed) => seed switch
    {
        EtcdLabSeed.None => new LabScale(0, 0, 0, 0),
        EtcdLabSeed.Small => new LabScale(8, 3, 4, 3),
        EtcdLabSeed.Medium => new LabScale(90, 10, 5, 20),
        EtcdLabSeed.Large => new LabScale(900, 10, 5, 100),
        _ => throw new ArgumentOutOfRangeException(nameof(seed)),
    };

    public bool IsEmpty => WorkloadNamespaces == 0;

    public int Namespaces => IsEmpty ? 0 : SystemNamespaces.Length + WorkloadNamespaces;

    public int Deployments => WorkloadNamespaces * DeploymentsPerNamespace;

    public int Pods => Deployments * PodsPerDeployment;

    /// <summary>The deployments whose history the seed writes (two rollouts each): the first of the first three namespaces.</summary>
    public int RolledOut => Math.Min(3, WorkloadNamespaces);

    /// <summary>
    /// The number of keys per storage prefix once seeding ended (history included: updated objects count once,
    /// deleted ones not at all).
    /// </summary>
    public IReadOnlyDictionary<string, long> ExpectedCounts()
    {
        if (IsEmpty)
        {
            return new Dictionary<string, long>();
        }

        return new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["/registry/namespaces/"] = Namespaces,
            ["/registry/serviceaccounts/"] = Namespaces,
            // kube-root-ca.crt in every namespace, plus one configuration per deployment.
            ["/registry/configmaps/"] = Namespaces + Deployments,
            ["/registry/secrets/"] = Deployments,
            ["/registry/deployments/"] = Deployments,
            // The deployments rolled out twice in the seed's history keep their two old ReplicaSets (scaled to 0).
            ["/registry/replicasets/"] = Deployments + (2 * RolledOut),
            ["/registry/pods/"] = Pods,
            // One per deployment, plus the 'kubernetes' service in default.
            ["/registry/services/specs/"] = Deployments + 1,
            ["/registry/services/endpoints/"] = Deployments + 1,
            ["/registry/events/"] = Pods * EventsPerPod,
            ["/registry/minions/"] = Nodes,
            ["/registry/leases/"] = Nodes,
            ["/registry/clusterroles/"] = ClusterRoles.Length,
            ["/registry/apiextensions.k8s.io/customresourcedefinitions/"] = 2,
            ["/registry/demo.mycompany.com/configmapapps/"] = WorkloadNamespaces * CustomResourcesPerNamespace,
            ["/registry/demo.mycompany.com/simpleapps/"] = WorkloadNamespaces * CustomResourcesPerNamespace,
            ["/registry/masterleases/"] = 1,
            ["/registry/ranges/"] = 2,
            ["compact_rev_key"] = 1,
        };
    }

    /// <summary>All keys the seed leaves.</summary>
    public long ExpectedTotal => ExpectedCounts().Values.Sum();
}
