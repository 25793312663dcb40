using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EtcdPS.Tests.Infrastructure;

namespace EtcdPS.Tests.Connection.Kubernetes;

/// <summary>
/// A kubeadm-like etcd PKI: a CA, a server certificate that names only the node ("cp-1", as etcd's certificate
/// names its node rather than the 127.0.0.1 a port-forward dials), usable for client auth too, and a
/// healthcheck client certificate. PEM text is kept for the fake pod's exec, and written for etcd itself.
/// </summary>
public sealed class NodePki : IServerPki
{
    public const string NodeName = "cp-1";

    public NodePki()
    {
        Folder = Directory.CreateTempSubdirectory("etcdps-node-pki-").FullName;
        using var caKey = RSA.Create(2048);
        using var ca = TestCertificates.CreateCa("etcd-ca", caKey);
        CaPem = ca.ExportCertificatePem();
        (ServerCertPem, ServerKeyPem) = Issue(ca, NodeName, server: true);
        (ClientCertPem, ClientKeyPem) = Issue(ca, "kube-etcd-healthcheck-client", server: false);
        CaPath = Write("ca.crt", CaPem);
        ServerCertPath = Write("server.crt", ServerCertPem);
        ServerKeyPath = Write("server.key", ServerKeyPem);
        ClientCertPath = Write("healthcheck-client.crt", ClientCertPem);
        ClientKeyPath = Write("healthcheck-client.key", ClientKeyPem);
    }

    public string Folder { get; }
    public string CaPem { get; }
    public string ServerCertPem { get; }
    public string ServerKeyPem { get; }
    public string ClientCertPem { get; }
    public string ClientKeyPem { get; }
    public string CaPath { get; }
    public string ServerCertPath { get; }
    public string ServerKeyPath { get; }
    public string ClientCertPath { get; }
    public string ClientKeyPath { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static (string Cert, string Key) Issue(X509Certificate2 ca, string name, bool server)
    {
        using var key = RSA.Create(2048);
        using var cert = TestCertificates.Sign(ca, name, key, server, DateTimeOffset.UtcNow.AddDays(30), names => names.AddDnsName(name));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private string Write(string name, string pem)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, pem + "\n");
        return path;
    }
}

/// <summary>A real etcd serving https with <see cref="NodePki"/>'s node certificate and requiring client certificates.</summary>
public sealed class NodeTlsEtcdFixture : ClientCertificateEtcdFixture<NodePki>
{
    public int ClientPort => new Uri(Endpoint).Port;
}
