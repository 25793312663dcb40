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
            try
            {
                client = X509Certificate2.CreateFromPemFile(options.CertPath, options.KeyPath);
            }
            catch (CryptographicException ex)
            {
                // The message names the files, never their content: a key file must not end up in a log.
                throw NotACertificate(options.CertPath, "client certificate and key", ex);
            }
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
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(certificate as X509Certificate2 ?? new X509Certificate2(certificate));
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
