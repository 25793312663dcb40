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
    [Parameter(Position = 0, ParameterSetName = EndpointSet)]
    [ValidateNotNullOrEmpty]
    public string[] Endpoint { get; set; } = ["127.0.0.1:2379"];

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CaCertPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? CertPath { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeyPath { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    [Parameter]
    public TimeSpan DialTimeout { get; set; } = EtcdConnectionOptions.DefaultDialTimeout;

    [Parameter]
    public TimeSpan CommandTimeout { get; set; } = EtcdConnectionOptions.DefaultCommandTimeout;

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "default";

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
