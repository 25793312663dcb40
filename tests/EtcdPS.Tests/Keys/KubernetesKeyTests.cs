using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Tests.Keys;

public sealed class KubernetesKeyTests
{
    [Theory]
    // core, namespaced
    [InlineData("/registry/pods/default/web-0", "", "pods", "default", "web-0")]
    [InlineData("/registry/configmaps/kube-system/coredns", "", "configmaps", "kube-system", "coredns")]
    [InlineData("/registry/secrets/default/token", "", "secrets", "default", "token")]
    [InlineData("/registry/events/default/web-0.17a", "", "events", "default", "web-0.17a")]
    // core, cluster-scoped
    [InlineData("/registry/namespaces/kube-system", "", "namespaces", "", "kube-system")]
    [InlineData("/registry/persistentvolumes/pv-1", "", "persistentvolumes", "", "pv-1")]
    // historical storage names
    [InlineData("/registry/minions/node-1", "", "nodes", "", "node-1")]
    [InlineData("/registry/controllers/default/rc-1", "", "replicationcontrollers", "default", "rc-1")]
    [InlineData("/registry/services/specs/default/kubernetes", "", "services", "default", "kubernetes")]
    [InlineData("/registry/services/endpoints/default/kubernetes", "", "endpoints", "default", "kubernetes")]
    [InlineData("/registry/ingress/default/web", "networking.k8s.io", "ingresses", "default", "web")]
    // grouped resources stored without their group segment
    [InlineData("/registry/deployments/default/web", "apps", "deployments", "default", "web")]
    [InlineData("/registry/jobs/batch-ns/nightly", "batch", "jobs", "batch-ns", "nightly")]
    [InlineData("/registry/leases/kube-node-lease/node-1", "coordination.k8s.io", "leases", "kube-node-lease", "node-1")]
    [InlineData("/registry/clusterroles/admin", "rbac.authorization.k8s.io", "clusterroles", "", "admin")]
    [InlineData("/registry/rolebindings/default/rb", "rbac.authorization.k8s.io", "rolebindings", "default", "rb")]
    [InlineData("/registry/priorityclasses/system-node-critical", "scheduling.k8s.io", "priorityclasses", "", "system-node-critical")]
    [InlineData("/registry/endpointslices/default/kubernetes", "discovery.k8s.io", "endpointslices", "default", "kubernetes")]
    [InlineData("/registry/storageclasses/standard", "storage.k8s.io", "storageclasses", "", "standard")]
    // group segment in the key: CRDs, API services, custom resources
    [InlineData("/registry/apiextensions.k8s.io/customresourcedefinitions/configmapapps.demo.mycompany.com", "apiextensions.k8s.io", "customresourcedefinitions", "", "configmapapps.demo.mycompany.com")]
    [InlineData("/registry/apiregistration.k8s.io/apiservices/v1.apps", "apiregistration.k8s.io", "apiservices", "", "v1.apps")]
    [InlineData("/registry/demo.mycompany.com/configmapapps/default/my-app", "demo.mycompany.com", "configmapapps", "default", "my-app")]
    [InlineData("/registry/cert-manager.io/clusterissuers/letsencrypt", "cert-manager.io", "clusterissuers", "", "letsencrypt")]
    // other prefixes
    [InlineData("/kubernetes.io/pods/openshift-etcd/etcd-0", "", "pods", "openshift-etcd", "etcd-0")]
    [InlineData("/openshift.io/routes/default/web", "", "routes", "default", "web")]
    // non-object keys
    [InlineData("/registry/compact_rev_key", "", "compact_rev_key", "", "")]
    [InlineData("/registry/masterleases/10.0.0.5", "", "masterleases", "", "10.0.0.5")]
    [InlineData("/registry/ranges/serviceips", "", "ranges", "", "serviceips")]
    [InlineData("/registry/ranges/servicenodeports", "", "ranges", "", "servicenodeports")]
    // a prefix rather than an object key
    [InlineData("/registry/pods/", "", "pods", "", "")]
    public void Parses_the_layout_of_the_api_server(string key, string group, string resource, string ns, string name)
    {
        var parsed = KubernetesKey.Parse(key);
        Assert.Equal((group, resource, ns, name), (parsed.Group, parsed.Resource, parsed.Namespace, parsed.Name));
        Assert.True(parsed.IsKubernetes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/registry")]
    [InlineData("/registry/")]
    [InlineData("/registryx/pods/default/a")]
    [InlineData("/app/config/feature-x")]
    [InlineData("registry/pods/default/a")]
    [InlineData("/registry//default/a")]
    [InlineData("/registry/example.com")]
    [InlineData("\0")]
    public void Leaves_keys_that_are_not_kubernetes_empty(string key)
    {
        var parsed = KubernetesKey.Parse(key);
        Assert.Equal(KubernetesKey.None, parsed);
        Assert.False(parsed.IsKubernetes);
    }

    [Fact]
    public void Uses_the_given_prefixes_only()
    {
        var custom = KubernetesKey.Parse("/my-cluster/pods/default/web", ["/my-cluster/"]);
        Assert.Equal(("pods", "default", "web"), (custom.Resource, custom.Namespace, custom.Name));
        Assert.False(KubernetesKey.Parse("/registry/pods/default/web", ["/my-cluster/"]).IsKubernetes);
    }

    [Fact]
    public void Grouping_by_namespace_gives_the_right_counts()
    {
        string[] keys =
        [
            "/registry/pods/a/p1", "/registry/pods/a/p2", "/registry/pods/b/p1",
            "/registry/namespaces/a", "/registry/demo.mycompany.com/configmapapps/b/x", "/registry/compact_rev_key",
        ];
        var byNamespace = keys.Select(KubernetesKey.Parse).GroupBy(k => k.Namespace).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["a"] = 2, ["b"] = 2, [""] = 2 }, byNamespace);
    }
}
