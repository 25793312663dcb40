using System.Text.Json.Nodes;
using EtcdPS.Engine.Connection.Kubernetes;
using k8s;
using k8s.Models;

namespace EtcdPS.Tests.Connection.Kubernetes;

public sealed class EtcdPodSelectorTests
{
    private static V1Pod ToPod(JsonObject json) => KubernetesJson.Deserialize<V1Pod>(json.ToJsonString());

    private static List<V1Pod> Pods(params JsonObject[] pods) => pods.Select(ToPod).ToList();

    [Fact]
    public void No_pod_is_EtcdPodNotFound_with_advice()
    {
        var ex = Assert.Throws<EtcdException>(() => EtcdPodSelector.Choose([], null, "kube-system", "kind"));
        Assert.Equal(EtcdErrorIds.PodNotFound, ex.ErrorId);
        Assert.Contains("component=etcd", ex.Message, StringComparison.Ordinal);
        Assert.Contains("-Namespace", ex.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void A_running_ready_pod_is_preferred_and_the_choice_is_explained()
    {
        var pods = Pods(
            FakeKubernetesApi.Pod("etcd-cp-1", phase: "Pending", ready: false, node: "cp-1"),
            FakeKubernetesApi.Pod("etcd-cp-2", ready: false, node: "cp-2"),
            FakeKubernetesApi.Pod("etcd-cp-3", node: "cp-3"));
        var target = EtcdPodSelector.Choose(pods, null, "kube-system", "kind");
        Assert.Equal(("etcd-cp-3", "cp-3"), (target.Pod, target.Node));
        Assert.Contains("Chose etcd pod kube-system/etcd-cp-3", target.Reason, StringComparison.Ordinal);
        Assert.Contains("etcd-cp-2 (Running, not Ready)", target.Reason, StringComparison.Ordinal);
        Assert.Contains("-Pod", target.Reason, StringComparison.Ordinal);

        // Among equally good pods the choice is by name, so it does not change from one call to the next.
        var two = Pods(FakeKubernetesApi.Pod("etcd-b"), FakeKubernetesApi.Pod("etcd-a"));
        Assert.Equal("etcd-a", EtcdPodSelector.Choose(two, null, "kube-system", "kind").Pod);
    }

    [Fact]
    public void Pod_picks_by_name_and_an_unknown_or_stopped_pod_is_an_error()
    {
        var pods = Pods(FakeKubernetesApi.Pod("etcd-cp-1"), FakeKubernetesApi.Pod("etcd-cp-2", phase: "Failed", ready: false));
        Assert.Equal("etcd-cp-1", EtcdPodSelector.Choose(pods, "etcd-cp-1", "kube-system", "kind").Pod);

        var unknown = Assert.Throws<EtcdException>(() => EtcdPodSelector.Choose(pods, "etcd-cp-9", "kube-system", "kind"));
        Assert.Equal(EtcdErrorIds.PodNotFound, unknown.ErrorId);
        Assert.Contains("etcd-cp-1, etcd-cp-2", unknown.RecommendedAction, StringComparison.Ordinal);

        var stopped = Assert.Throws<EtcdException>(() => EtcdPodSelector.Choose(pods, "etcd-cp-2", "kube-system", "kind"));
        Assert.Equal(EtcdErrorIds.PodNotFound, stopped.ErrorId);
        Assert.Contains("not running (Failed)", stopped.Message, StringComparison.Ordinal);

        var noneRunning = Pods(FakeKubernetesApi.Pod("etcd-x", phase: "Pending", ready: false));
        Assert.Equal(EtcdErrorIds.PodNotFound, Assert.Throws<EtcdException>(() => EtcdPodSelector.Choose(noneRunning, null, "kube-system", "kind")).ErrorId);
    }

    [Fact]
    public void The_kubeadm_command_line_gives_port_scheme_pki_paths_and_server_names()
    {
        string[] kubeadm =
        [
            "etcd", "--advertise-client-urls=https://192.168.56.10:2379", "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
            "--client-cert-auth=true", "--data-dir=/var/lib/etcd", "--key-file=/etc/kubernetes/pki/etcd/server.key",
            "--listen-client-urls=https://127.0.0.1:2379,https://192.168.56.10:2379", "--name=cp-1",
            "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
        ];
        var target = EtcdPodSelector.Choose(Pods(FakeKubernetesApi.Pod("etcd-cp-1", command: kubeadm)), null, "kube-system", "kind");
        Assert.Equal((2379, "https", true, "etcd"), (target.Port, target.Scheme, target.RequiresClientCertificate, target.Container));
        Assert.Equal("/etc/kubernetes/pki/etcd/ca.crt", target.CaPath);
        Assert.Equal("/etc/kubernetes/pki/etcd/healthcheck-client.crt", target.ClientCertPath);
        Assert.Equal("/etc/kubernetes/pki/etcd/server.key", target.ServerKeyPath);
        Assert.Equal(["cp-1", "10.1.2.3", "192.168.56.10", "127.0.0.1"], target.ServerNames);

        // Another layout: separate flag values, a custom port and PKI folder, plain http.
        string[] custom = ["/usr/local/bin/etcd", "--listen-client-urls", "http://0.0.0.0:12379", "--trusted-ca-file", "/srv/pki/ca.pem"];
        var other = EtcdPodSelector.Choose(Pods(FakeKubernetesApi.Pod("etcd-0", command: custom)), null, "kube-system", "kind");
        Assert.Equal((12379, "http", false), (other.Port, other.Scheme, other.RequiresClientCertificate));
        Assert.Equal("/srv/pki/healthcheck-client.crt", other.ClientCertPath);
        Assert.DoesNotContain("0.0.0.0", other.ServerNames);
    }
}
