using System.Management.Automation;
using EtcdPS.Engine.Connection;

namespace EtcdPS.Commands.Connection;

/// <summary>
/// <para type="synopsis">Connects to an etcd cluster and makes it the session's default connection.</para>
/// </summary>
[Cmdlet(VerbsCommunications.Connect, "Etcd", DefaultParameterSetName = EndpointSet)]
[OutputType(typeof(EtcdConnection))]
public sealed partial class ConnectEtcdCommand : AsyncPSCmdlet
{
    /// <summary>One or more endpoints: host:port, http://host:port or https://host:port.</summary>
    [Parameter(Position = 0, ParameterSetName = EndpointSet)]
    [ValidateNotNullOrEmpty]
    public string[] Endpoint { get; set; } = ["127.0.0.1:2379"];

    /// <summary>PEM file of the CA that signed the server certificates.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CaCertPath { get; set; }

    /// <summary>PEM file of the client certificate.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertPath { get; set; }

    /// <summary>PEM file of the client certificate's private key.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeyPath { get; set; }

    /// <summary>etcd user and password, for clusters with authentication enabled.</summary>
    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    /// <summary>Accepts any server certificate. For labs only.</summary>
    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    /// <summary>How long opening a connection may take (default 5 s).</summary>
    [Parameter]
    public TimeSpan DialTimeout { get; set; } = EtcdConnectionOptions.DefaultDialTimeout;

    /// <summary>Deadline of an ordinary call (default 30 s).</summary>
    [Parameter]
    public TimeSpan CommandTimeout { get; set; } = EtcdConnectionOptions.DefaultCommandTimeout;

    /// <summary>A name for the connection, to switch between several.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "default";

    /// <summary>Returns the connection.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override async Task EndProcessingAsync(CancellationToken cancellation)
    {
        if (DialTimeout <= TimeSpan.Zero || CommandTimeout <= TimeSpan.Zero)
        {
            throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                "-DialTimeout and -CommandTimeout must be positive.", null, "Give a timeout such as 00:00:05.");
        }

        var options = new EtcdConnectionOptions
        {
            Endpoints = Endpoint.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
            Name = Name,
            CaCertPath = CaCertPath is null ? null : await ResolvePathAsync(CaCertPath).ConfigureAwait(false),
            CertPath = CertPath is null ? null : await ResolvePathAsync(CertPath).ConfigureAwait(false),
            KeyPath = KeyPath is null ? null : await ResolvePathAsync(KeyPath).ConfigureAwait(false),
            Credential = Credential?.GetNetworkCredential(),
            SkipCertificateCheck = SkipCertificateCheck,
            DialTimeout = DialTimeout,
            CommandTimeout = CommandTimeout,
        };
        var result = ParameterSetName == KubernetesSet
            ? await ConnectThroughKubernetesAsync(options, cancellation).ConfigureAwait(false)
            : await EtcdConnector.ConnectAsync(options, cancellation).ConfigureAwait(false);
        if (result is null)
        {
            return;
        }

        foreach (var warning in result.Warnings)
        {
            await WriteWarningAsync(warning).ConfigureAwait(false);
        }

        Connections.Add(result.Connection);
        await WriteVerboseAsync($"Connected to etcd cluster {result.Connection.ClusterId} (etcd {result.Connection.ServerVersion}) through {string.Join(", ", result.Connection.Endpoints)}.").ConfigureAwait(false);
        if (PassThru)
        {
            await WriteObjectAsync(result.Connection).ConfigureAwait(false);
        }
    }

}
