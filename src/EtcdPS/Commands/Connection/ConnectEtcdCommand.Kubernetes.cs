using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using EtcdPS.Engine.Connection;
using EtcdPS.Engine.Connection.Kubernetes;

namespace EtcdPS.Commands.Connection;

/// <summary>Connect-Etcd -Kubernetes: reach the etcd pod of a cluster through a port-forward.</summary>
public sealed partial class ConnectEtcdCommand
{
    private const string EndpointSet = "Endpoint";
    private const string KubernetesSet = "Kubernetes";

    /// <summary>Reach etcd through the Kubernetes API: find the etcd pod and port-forward to it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = KubernetesSet)]
    public SwitchParameter Kubernetes { get; set; }

    /// <summary>The kubeconfig context; default: its current-context.</summary>
    [Parameter(ParameterSetName = KubernetesSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(KubeContextCompleter))]
    public string? Context { get; set; }

    /// <summary>The namespace of the etcd pods (default kube-system).</summary>
    [Parameter(ParameterSetName = KubernetesSet)]
    [ValidateNotNullOrEmpty]
    public string Namespace { get; set; } = KubernetesEtcdOptions.DefaultNamespace;

    /// <summary>One etcd pod by name; default: a running, ready pod labelled component=etcd.</summary>
    [Parameter(ParameterSetName = KubernetesSet)]
    [ValidateNotNullOrEmpty]
    public string? Pod { get; set; }

    /// <summary>Read the CA and client certificate from the etcd pod (after confirmation), in memory only.</summary>
    [Parameter(ParameterSetName = KubernetesSet)]
    public SwitchParameter UsePodCertificates { get; set; }

    /// <summary>The kubeconfig file; default: KUBECONFIG, then ~/.kube/config.</summary>
    [Parameter(ParameterSetName = KubernetesSet)]
    [ValidateNotNullOrEmpty]
    public string? Kubeconfig { get; set; }

    /// <summary>With -UsePodCertificates, reads the pod's certificates without asking.</summary>
    [Parameter(ParameterSetName = KubernetesSet)]
    public SwitchParameter Force { get; set; }

    /// <summary>Finds the pod, reads its certificates when allowed, port-forwards and connects; null when the user declined.</summary>
    private async Task<ConnectResult?> ConnectThroughKubernetesAsync(EtcdConnectionOptions options, CancellationToken cancellation)
    {
        var kubernetes = new KubernetesEtcdOptions
        {
            KubeconfigPath = Kubeconfig is null ? null : await ResolvePathAsync(Kubeconfig).ConfigureAwait(false),
            Context = Context,
            Namespace = Namespace,
            Pod = Pod,
            UsePodCertificates = UsePodCertificates,
        };
        var timeout = options.DialTimeout + options.CommandTimeout;
        using var session = await KubernetesEtcdConnector.LocateAsync(kubernetes, timeout, Environment.GetEnvironmentVariable,
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), cancellation).ConfigureAwait(false);
        var target = session.Target;
        await WriteVerboseAsync($"{target.Reason} Context '{session.Kubeconfig.Context}', API server {session.Kubeconfig.Server}.").ConfigureAwait(false);

        TlsMaterial? podTls = null;
        if (UsePodCertificates)
        {
            var query = $"Read etcd's CA ({target.CaPath}) and a client certificate with its private key ({target.ClientCertPath}) from pod {target.Display} through exec? "
                + "They grant full access to etcd; they are kept in memory for this connection and never written to disk.";
            if (!Force && !await ShouldContinueAsync(query, "Use the etcd pod's certificates").ConfigureAwait(false))
            {
                return null;
            }

            podTls = await KubernetesEtcdConnector.ReadPodCertificatesAsync(session, timeout, cancellation).ConfigureAwait(false);
            await WriteVerboseAsync($"Read the etcd CA and client certificate '{podTls.ClientCertificate?.Subject}' from pod {target.Display}.").ConfigureAwait(false);
        }

        var result = await KubernetesEtcdConnector.ConnectAsync(session, options, podTls, cancellation).ConfigureAwait(false);
        await WriteVerboseAsync($"Port-forwarding {result.Connection.Endpoints[0]} to {target.Display} port {target.Port}; Disconnect-Etcd closes it.").ConfigureAwait(false);
        return result;
    }
}

/// <summary>Completes the context names of the kubeconfig (-Kubeconfig when typed, else KUBECONFIG or ~/.kube/config).</summary>
public sealed class KubeContextCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var kubeconfig = fakeBoundParameters.Contains("Kubeconfig") ? fakeBoundParameters["Kubeconfig"]?.ToString() : null;
        var pattern = new WildcardPattern(WildcardPattern.Escape(CompleterText.Unquote(wordToComplete)) + "*", WildcardOptions.IgnoreCase);
        return KubeconfigLoader.ContextNames(kubeconfig, Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile))
            .Where(name => pattern.IsMatch(name))
            .Order(StringComparer.Ordinal)
            .Select(name => CompleterText.Result(name, name));
    }
}
