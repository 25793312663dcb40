using System.Net;
using System.Net.Sockets;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Connection.Kubernetes;

namespace EtcdPS.Tests.Connection.Kubernetes;

/// <summary>
/// Connect-Etcd -Kubernetes against an in-process fake API server whose port-forward reaches a real etcd that
/// serves https with a certificate naming its node (cp-1), not 127.0.0.1, and requires client certificates.
/// </summary>
public sealed class KubernetesConnectTests(NodeTlsEtcdFixture etcd) : IClassFixture<NodeTlsEtcdFixture>, IDisposable
{
    private static readonly string[] s_kubeadmCommand =
    [
        "etcd", "--advertise-client-urls=https://10.1.2.3:2379", "--cert-file=/etc/kubernetes/pki/etcd/server.crt",
        "--client-cert-auth=true", "--key-file=/etc/kubernetes/pki/etcd/server.key",
        "--listen-client-urls=https://127.0.0.1:2379,https://10.1.2.3:2379", "--trusted-ca-file=/etc/kubernetes/pki/etcd/ca.crt",
    ];

    private readonly FakeKubernetesApi _api = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("etcdps-kube-").FullName;
    private PwshSession? _pwsh;

    private PwshSession Pwsh => _pwsh ??= new PwshSession();

    public void Dispose()
    {
        _pwsh?.Dispose();
        _api.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string ReadyCluster(string node = NodePki.NodeName)
    {
        _api.Pods.Add(FakeKubernetesApi.Pod("etcd-" + node, node: node, command: s_kubeadmCommand));
        _api.ForwardToPort = etcd.ClientPort;
        return _api.WriteKubeconfig(_folder);
    }

    private string FileCertificates => $"-CaCertPath '{etcd.Pki.CaPath}' -CertPath '{etcd.Pki.ClientCertPath}' -KeyPath '{etcd.Pki.ClientKeyPath}'";

    private Task<KubernetesEtcdSession> LocateAsync(string kubeconfig, string? pod = null) =>
        KubernetesEtcdConnector.LocateAsync(new KubernetesEtcdOptions { KubeconfigPath = kubeconfig, Pod = pod }, TimeSpan.FromSeconds(10),
            _ => null, _folder, CancellationToken.None);

    [Fact]
    public async Task The_pods_are_listed_with_the_etcd_label_and_the_context_credentials()
    {
        var kubeconfig = ReadyCluster();
        _api.Pods.Add(FakeKubernetesApi.Pod("etcd-cp-0", ready: false));
        using var session = await LocateAsync(kubeconfig);
        Assert.Equal("kube-system/etcd-cp-1", session.Target.Display);
        Assert.Contains(_api.Requests, r => r.StartsWith("/api/v1/namespaces/kube-system/pods?labelSelector=component%3Detcd", StringComparison.Ordinal));
        Assert.Equal("Bearer fake-token-123", _api.LastAuthorization);
        Assert.Equal("fake", session.Kubeconfig.Context);
    }

    [Fact]
    public async Task Api_errors_have_stable_ids_forbidden_unreachable_and_no_pod()
    {
        var kubeconfig = _api.WriteKubeconfig(_folder);
        var none = await Assert.ThrowsAsync<EtcdException>(() => LocateAsync(kubeconfig));
        Assert.Equal(EtcdErrorIds.PodNotFound, none.ErrorId);

        _api.FailWith = HttpStatusCode.Forbidden;
        var forbidden = await Assert.ThrowsAsync<EtcdException>(() => LocateAsync(kubeconfig));
        Assert.Equal((EtcdErrorIds.KubernetesForbidden, EtcdErrorCategory.PermissionDenied), (forbidden.ErrorId, forbidden.Category));
        Assert.Contains("(403): pods is forbidden", forbidden.Message, StringComparison.Ordinal);
        Assert.Contains("pods/portforward", forbidden.RecommendedAction, StringComparison.Ordinal);
        Assert.DoesNotContain("fake-token-123", forbidden.Message, StringComparison.Ordinal);

        _api.FailWith = HttpStatusCode.Unauthorized;
        Assert.Equal(EtcdErrorCategory.AuthenticationError, (await Assert.ThrowsAsync<EtcdException>(() => LocateAsync(kubeconfig))).Category);

        // An API server that is not there: a port nothing listens on.
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var unreachable = Path.Combine(_folder, "down");
        File.WriteAllText(unreachable, File.ReadAllText(kubeconfig).Replace(_api.Url, $"http://127.0.0.1:{port}", StringComparison.Ordinal));
        var down = await Assert.ThrowsAsync<EtcdException>(() => LocateAsync(unreachable));
        Assert.Equal((EtcdErrorIds.KubernetesUnavailable, EtcdErrorCategory.ConnectionError), (down.ErrorId, down.Category));
        Assert.Contains($"127.0.0.1:{port}", down.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Connect_through_the_port_forward_with_certificate_files_then_disconnect_closes_it()
    {
        var kubeconfig = ReadyCluster();
        var result = Pwsh.Invoke($"Connect-Etcd -Kubernetes -Kubeconfig '{kubeconfig}' {FileCertificates} -PassThru -Verbose");
        Assert.Empty(result.Errors);
        // The module's EtcdConnection lives in its own load context: read it as PowerShell does.
        var connection = Assert.Single(result.Output);
        Assert.Equal("kube-system/etcd-cp-1", connection.Properties["KubernetesPod"].Value);
        var endpoint = new Uri(Assert.Single((IReadOnlyList<string>)connection.Properties["Endpoints"].Value));
        Assert.Equal(("https", "127.0.0.1"), (endpoint.Scheme, endpoint.Host));
        Assert.Contains(result.Verbose, v => v.Contains("Using etcd pod kube-system/etcd-cp-1 on node cp-1", StringComparison.Ordinal));

        Pwsh.Run("Set-EtcdKey -Key /kube-forward/test -Value 'through the tunnel'");
        Assert.Equal("through the tunnel", Assert.Single(Pwsh.Run("(Get-EtcdKey -Key /kube-forward/test).Value")).BaseObject);
        Assert.True(_api.PortForwards >= 1);

        // A new connection of the same name replaces this one and closes its port-forward; Disconnect-Etcd closes the new one's.
        var replacement = new Uri(Assert.Single((IReadOnlyList<string>)Assert.Single(Pwsh.Run($"Connect-Etcd -Kubernetes -Kubeconfig '{kubeconfig}' {FileCertificates} -PassThru")).Properties["Endpoints"].Value));
        AssertClosed(endpoint.Port);
        Pwsh.Run("Disconnect-Etcd");
        AssertClosed(replacement.Port);

        static void AssertClosed(int port)
        {
            using var client = new TcpClient();
            Assert.ThrowsAny<SocketException>(() => client.Connect(IPAddress.Loopback, port));
        }
    }

    [Fact]
    public void UsePodCertificates_reads_them_through_exec_and_keeps_them_out_of_the_output()
    {
        var kubeconfig = ReadyCluster();
        _api.Files["/etc/kubernetes/pki/etcd/ca.crt"] = etcd.Pki.CaPem;
        _api.Files["/etc/kubernetes/pki/etcd/healthcheck-client.crt"] = etcd.Pki.ClientCertPem;
        _api.Files["/etc/kubernetes/pki/etcd/healthcheck-client.key"] = etcd.Pki.ClientKeyPem;

        var result = Pwsh.Invoke($"Connect-Etcd -Kubernetes -Kubeconfig '{kubeconfig}' -UsePodCertificates -Force -Verbose; (Get-EtcdStatus).Version");
        Assert.Empty(result.Errors);
        Assert.StartsWith("3.", (string)Assert.Single(result.Output).BaseObject, StringComparison.Ordinal);
        Assert.Equal(3, _api.Execs);
        Assert.Contains(result.Verbose, v => v.Contains("CN=kube-etcd-healthcheck-client", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Verbose, v => v.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }

    [Fact]
    public void UsePodCertificates_falls_back_to_the_server_pair_and_reports_unreadable_files()
    {
        var kubeconfig = ReadyCluster();
        _api.Files["/etc/kubernetes/pki/etcd/ca.crt"] = etcd.Pki.CaPem;
        var missing = Pwsh.Invoke($"Connect-Etcd -Kubernetes -Kubeconfig '{kubeconfig}' -UsePodCertificates -Force");
        Assert.Equal(EtcdErrorIds.PodCertificatesUnreadable, missing.FirstErrorId);
        Assert.Contains("No such file", missing.Errors[0].Exception.Message, StringComparison.Ordinal);

        // No healthcheck pair (as in some installers): etcd's own server pair, issued for client use too, is used.
        _api.Files["/etc/kubernetes/pki/etcd/server.crt"] = etcd.Pki.ServerCertPem;
        _api.Files["/etc/kubernetes/pki/etcd/server.key"] = etcd.Pki.ServerKeyPem;
        Assert.Empty(Pwsh.Invoke($"Connect-Etcd -Kubernetes -Kubeconfig '{kubeconfig}' -UsePodCertificates -Force").Errors);
    }

    [Fact]
    public void A_server_certificate_that_names_neither_127_0_0_1_nor_the_pod_is_refused()
    {
        // The pod claims to run on node cp-9; etcd's certificate names cp-1 only.
        var kubeconfig = ReadyCluster(node: "cp-9");
        var result = Pwsh.Invoke($"Connect-Etcd -Kubernetes -Kubeconfig '{kubeconfig}' {FileCertificates} -DialTimeout 00:00:03");
        Assert.Equal(EtcdErrorIds.TlsFailed, result.FirstErrorId);
    }

    [Fact]
    public void Port_forward_failures_have_their_own_ids()
    {
        var kubeconfig = ReadyCluster();
        _api.ForbidPortForward = true;
        var forbidden = Pwsh.Invoke($"Connect-Etcd -Kubernetes -Kubeconfig '{kubeconfig}' {FileCertificates}");
        Assert.Equal(EtcdErrorIds.KubernetesForbidden, forbidden.FirstErrorId);
        Assert.Contains("pods is forbidden", forbidden.Errors[0].Exception.Message, StringComparison.Ordinal);

        _api.ForbidPortForward = false;
        _api.ForwardToPort = null;
        var refused = Pwsh.Invoke($"Connect-Etcd -Kubernetes -Kubeconfig '{kubeconfig}' {FileCertificates} -DialTimeout 00:00:03");
        Assert.Equal(EtcdErrorIds.PortForwardFailed, refused.FirstErrorId);
        Assert.Contains("connection refused", refused.Errors[0].Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_certificate_required_but_not_given_fails_before_dialling()
    {
        var kubeconfig = ReadyCluster();
        var result = Pwsh.Invoke($"Connect-Etcd -Kubernetes -Kubeconfig '{kubeconfig}'");
        Assert.Equal(EtcdErrorIds.InvalidArgument, result.FirstErrorId);
        Assert.Contains("-UsePodCertificates", result.Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(0, _api.PortForwards);
    }

    [Fact]
    public void Unknown_context_and_missing_kubeconfig_surface_as_error_ids()
    {
        var kubeconfig = ReadyCluster();
        Assert.Equal(EtcdErrorIds.KubeContextNotFound, Pwsh.Invoke($"Connect-Etcd -Kubernetes -Kubeconfig '{kubeconfig}' -Context nope").FirstErrorId);
        Assert.Equal(EtcdErrorIds.KubeconfigNotFound, Pwsh.Invoke($"Connect-Etcd -Kubernetes -Kubeconfig '{Path.Combine(_folder, "absent")}'").FirstErrorId);
        Assert.Equal(EtcdErrorIds.PodNotFound, Pwsh.Invoke($"Connect-Etcd -Kubernetes -Kubeconfig '{kubeconfig}' -Pod etcd-other").FirstErrorId);
    }
}
