using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EtcdPS.Engine.Connection;

/// <summary>The CA and client certificate of a connection, read from PEM files once, at connect time.</summary>
internal sealed class TlsMaterial
{
    private TlsMaterial(X509Certificate2Collection? trustedRoots, X509Certificate2? clientCertificate, bool skipCheck)
    {
        TrustedRoots = trustedRoots;
        ClientCertificate = clientCertificate;
        SkipCertificateCheck = skipCheck;
    }

    public X509Certificate2Collection? TrustedRoots { get; }
    public X509Certificate2? ClientCertificate { get; }
    public bool SkipCertificateCheck { get; }

    /// <summary>
    /// Names the server certificate may carry instead of the host dialled. Through a port-forward the client dials
    /// 127.0.0.1 while etcd's certificate names its node; the chain must still lead to the trusted CA.
    /// </summary>
    public IReadOnlyList<string> AlternativeServerNames { get; private init; } = [];

    /// <summary>The same material, also accepting a server certificate that names one of <paramref name="names"/>.</summary>
    public TlsMaterial AcceptingServerNames(IReadOnlyList<string> names) =>
        new(TrustedRoots, ClientCertificate, SkipCertificateCheck) { AlternativeServerNames = names };

    /// <summary>Material from PEM text held in memory (certificates read from a pod); nothing touches the disk.</summary>
    /// <param name="source">Where the PEM came from, for messages.</param>
    /// <param name="caPem">The CA certificate(s).</param>
    /// <param name="certPem">The client certificate.</param>
    /// <param name="keyPem">The client certificate's private key.</param>
    public static TlsMaterial FromPem(string source, string caPem, string certPem, string keyPem)
    {
        var roots = new X509Certificate2Collection();
        X509Certificate2 client;
        try
        {
            roots.ImportFromPem(caPem);
            client = X509Certificate2.CreateFromPem(certPem, keyPem);
        }
        catch (CryptographicException ex)
        {
            throw NotACertificate(source, "CA, client certificate and key", ex);
        }

        return roots.Count == 0 ? throw NotACertificate(source, "CA certificate", null) : new TlsMaterial(roots, client, skipCheck: false);
    }

    public static TlsMaterial Load(EtcdConnectionOptions options)
    {
        X509Certificate2Collection? roots = null;
        if (options.CaCertPath is { } caPath)
        {
            RequireFile(caPath, "CA certificate");
            roots = new X509Certificate2Collection();
            try
            {
                roots.ImportFromPemFile(caPath);
            }
            catch (CryptographicException ex)
            {
                throw NotACertificate(caPath, "CA certificate", ex);
            }

            if (roots.Count == 0)
            {
                throw NotACertificate(caPath, "CA certificate", null);
            }
        }

        X509Certificate2? client = null;
        if (options.CertPath is not null || options.KeyPath is not null)
        {
            if (options.CertPath is null || options.KeyPath is null)
            {
                throw new EtcdException(EtcdErrorIds.InvalidCertificate, EtcdErrorCategory.InvalidArgument,
                    "A client certificate needs both -CertPath and -KeyPath.", options.CertPath ?? options.KeyPath,
                    "Give the client certificate with -CertPath and its private key with -KeyPath.");
            }

            RequireFile(options.CertPath, "client certificate");
            RequireFile(options.KeyPath, "client key");
            client = LoadClientCertificate(options.CertPath, options.KeyPath);
        }

        return new TlsMaterial(roots, client, options.SkipCertificateCheck);
    }

    public SslClientAuthenticationOptions ToSslOptions() => new()
    {
        ClientCertificates = ClientCertificate is null ? null : new X509CertificateCollection { ClientCertificate },
        RemoteCertificateValidationCallback = ValidateServer,
    };

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (SkipCertificateCheck)
        {
            return true;
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0 && certificate is not null
            && AlternativeServerNames.Any(name => (certificate as X509Certificate2 ?? new X509Certificate2(certificate)).MatchesHostname(name)))
        {
            errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
        }

        if (TrustedRoots is null || certificate is null)
        {
            return errors == SslPolicyErrors.None;
        }

        if ((errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        // The server certificate must chain to the CA the user gave, not to whatever the system trusts.
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(TrustedRoots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Like Go's crypto/tls and .NET's own check: the certificate must be meant for a TLS server.
        custom.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(certificate as X509Certificate2 ?? new X509Certificate2(certificate));
    }

    /// <summary>
    /// The client certificate with its key. Each failure names the file at fault (the certificate or the key), never
    /// its content: a key file must not end up in a log.
    /// </summary>
    private static X509Certificate2 LoadClientCertificate(string certPath, string keyPath)
    {
        try
        {
            // The one-path CreateFromPemFile would look for a key in the certificate file too; this reads the certificate only.
            using var alone = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
        }
        catch (CryptographicException ex)
        {
            throw NotACertificate(certPath, "client certificate", ex);
        }

        var keyLabel = FindPrivateKeyLabel(keyPath);
        if (keyLabel is null)
        {
            throw new EtcdException(EtcdErrorIds.InvalidCertificate, EtcdErrorCategory.InvalidData,
                $"The file '{keyPath}' is not a PEM private key.", keyPath,
                "Give the client certificate's private key with -KeyPath (-----BEGIN PRIVATE KEY-----, -----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----), as etcdctl takes.");
        }

        if (keyLabel == "ENCRYPTED PRIVATE KEY")
        {
            throw new EtcdException(EtcdErrorIds.InvalidCertificate, EtcdErrorCategory.InvalidData,
                $"The private key in '{keyPath}' is encrypted with a password.", keyPath,
                "Give an unencrypted PEM key, as etcdctl takes (openssl pkey -in <encrypted key> -out <key>).");
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certPath, keyPath);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            // The certificate alone loaded and the file holds a key: they do not belong together (or the key is damaged).
            throw new EtcdException(EtcdErrorIds.InvalidCertificate, EtcdErrorCategory.InvalidData,
                $"The private key in '{keyPath}' does not match the client certificate '{certPath}' (or cannot be read).", keyPath,
                "Give the key that was issued with the certificate: the -CertPath and -KeyPath files must be a pair, as in etcd's --cert-file and --key-file.", ex);
        }
    }

    /// <summary>The PEM label of the first private key in the file, or null when it holds none.</summary>
    private static string? FindPrivateKeyLabel(string path)
    {
        ReadOnlySpan<char> pem = File.ReadAllText(path);
        while (PemEncoding.TryFind(pem, out var fields))
        {
            var label = pem[fields.Label].ToString();
            if (label.EndsWith("PRIVATE KEY", StringComparison.Ordinal))
            {
                return label;
            }

            pem = pem[fields.Location.End..];
        }

        return null;
    }

    private static void RequireFile(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new EtcdException(EtcdErrorIds.CertificateNotFound, EtcdErrorCategory.ObjectNotFound,
                $"The {what} file '{path}' does not exist.", path,
                $"Give the path of the PEM {what} file.");
        }
    }

    private static EtcdException NotACertificate(string path, string what, Exception? inner) =>
        new(EtcdErrorIds.InvalidCertificate, EtcdErrorCategory.InvalidData,
            $"The file '{path}' is not a PEM {what}.", path,
            "Give PEM files (-----BEGIN CERTIFICATE----- / -----BEGIN PRIVATE KEY-----), as etcdctl takes.", inner);
}
