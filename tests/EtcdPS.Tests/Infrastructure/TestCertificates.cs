using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EtcdPS.Tests.Infrastructure;

/// <summary>
/// A throwaway PKI written as PEM files: a CA, a server certificate for 127.0.0.1 signed by it, a client
/// certificate signed by it, a second unrelated CA (the "wrong CA"), an expired client certificate and a file
/// that is not a certificate.
/// </summary>
public sealed class TestCertificates : IServerPki
{
    public TestCertificates()
    {
        Folder = Directory.CreateTempSubdirectory("etcdps-pki-").FullName;
        using var caKey = RSA.Create(2048);
        using var ca = CreateCa("EtcdPS test CA", caKey);
        CaPath = WriteCert("ca.crt", ca);

        using var serverKey = RSA.Create(2048);
        using var server = Sign(ca, "127.0.0.1", serverKey, server: true, DateTimeOffset.UtcNow.AddDays(30));
        ServerCertPath = WriteCert("server.crt", server);
        ServerKeyPath = WriteKey("server.key", serverKey);

        using var clientKey = RSA.Create(2048);
        using var client = Sign(ca, "root", clientKey, server: false, DateTimeOffset.UtcNow.AddDays(30));
        ClientCertPath = WriteCert("client.crt", client);
        ClientKeyPath = WriteKey("client.key", clientKey);

        using var expiredKey = RSA.Create(2048);
        using var expired = Sign(ca, "root", expiredKey, server: false, DateTimeOffset.UtcNow.AddDays(-1));
        ExpiredClientCertPath = WriteCert("expired.crt", expired);
        ExpiredClientKeyPath = WriteKey("expired.key", expiredKey);

        using var otherKey = RSA.Create(2048);
        using var other = CreateCa("Some other CA", otherKey);
        OtherCaPath = WriteCert("other-ca.crt", other);

        NotACertificatePath = Path.Combine(Folder, "not-a-cert.pem");
        File.WriteAllText(NotACertificatePath, "this is not a certificate\n");
    }

    public string Folder { get; }
    public string CaPath { get; }
    public string ServerCertPath { get; }
    public string ServerKeyPath { get; }
    public string ClientCertPath { get; }
    public string ClientKeyPath { get; }
    public string ExpiredClientCertPath { get; }
    public string ExpiredClientKeyPath { get; }
    public string OtherCaPath { get; }
    public string NotACertificatePath { get; }

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

    /// <summary>A self-signed CA certificate.</summary>
    internal static X509Certificate2 CreateCa(string name, RSA key)
    {
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(365));
    }

    /// <summary>
    /// A certificate signed by <paramref name="ca"/>, for client auth, and with <paramref name="server"/> for server auth
    /// too, naming <paramref name="serverNames"/> (default: 127.0.0.1 and localhost).
    /// </summary>
    internal static X509Certificate2 Sign(X509Certificate2 ca, string commonName, RSA key, bool server, DateTimeOffset notAfter,
        Action<SubjectAlternativeNameBuilder>? serverNames = null)
    {
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") }; // client auth
        if (server)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1")); // server auth
            var san = new SubjectAlternativeNameBuilder();
            (serverNames ?? (names => { names.AddIpAddress(IPAddress.Loopback); names.AddDnsName("localhost"); }))(san);
            request.CertificateExtensions.Add(san.Build());
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        return request.Create(ca, DateTimeOffset.UtcNow.AddDays(-2), notAfter, serial);
    }

    private string WriteCert(string name, X509Certificate2 cert)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, cert.ExportCertificatePem() + "\n");
        return path;
    }

    private string WriteKey(string name, RSA key)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem() + "\n");
        return path;
    }
}

/// <summary>What a TLS etcd fixture needs of a PKI: the server's certificate and key, and the CA clients must chain to.</summary>
public interface IServerPki : IDisposable
{
    string CaPath { get; }
    string ServerCertPath { get; }
    string ServerKeyPath { get; }
}
