using k8s;

namespace EtcdPS.Engine.Connection.Kubernetes;

/// <summary>The etcd pod found through the Kubernetes API, with the API client that found it.</summary>
internal sealed class KubernetesEtcdSession : IDisposable
{
    private IKubernetes? _client;

    public KubernetesEtcdSession(KubeconfigSelection kubeconfig, IKubernetes client, EtcdPodTarget target)
    {
        Kubeconfig = kubeconfig;
        _client = client;
        Target = target;
    }

    public KubeconfigSelection Kubeconfig { get; }
    public EtcdPodTarget Target { get; }

    public IKubernetes Client => _client ?? throw new ObjectDisposedException(nameof(KubernetesEtcdSession));

    /// <summary>Hands the client to the port-forward, which then owns (and closes) it.</summary>
    public IKubernetes Release() => Interlocked.Exchange(ref _client, null) ?? throw new ObjectDisposedException(nameof(KubernetesEtcdSession));

    public void Dispose() => Interlocked.Exchange(ref _client, null)?.Dispose();
}

/// <summary>
/// Connect-Etcd -Kubernetes: find the etcd pod with the user's kubeconfig, optionally read its client certificate,
/// port-forward a free 127.0.0.1 port to its client port, and connect through it the usual way.
/// </summary>
internal static class KubernetesEtcdConnector
{
    /// <summary>Reads the kubeconfig, lists the pods labelled component=etcd and chooses one.</summary>
    public static async Task<KubernetesEtcdSession> LocateAsync(KubernetesEtcdOptions options, TimeSpan timeout,
        Func<string, string?> getVariable, string? home, CancellationToken cancellation)
    {
        var kubeconfig = KubeconfigLoader.Load(options.KubeconfigPath, options.Context, getVariable, home);
        var client = new k8s.Kubernetes(kubeconfig.Configuration);
        try
        {
            var action = $"list the pods labelled {KubernetesEtcdOptions.EtcdLabelSelector} in namespace '{options.Namespace}'";
            var pods = await CallApiAsync(ct => client.CoreV1.ListNamespacedPodAsync(options.Namespace,
                    labelSelector: KubernetesEtcdOptions.EtcdLabelSelector, cancellationToken: ct),
                action, kubeconfig, options.Namespace, EtcdErrorIds.KubernetesUnavailable, timeout, cancellation).ConfigureAwait(false);
            var target = EtcdPodSelector.Choose(pods.Items?.ToList() ?? [], options.Pod, options.Namespace, kubeconfig.Context);
            return new KubernetesEtcdSession(kubeconfig, client, target);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the CA and a client pair from the pod's mounted PKI into memory: the healthcheck client pair kubeadm
    /// makes for exactly this, else etcd's own server pair (kubeadm issues it for client use too).
    /// </summary>
    public static async Task<TlsMaterial> ReadPodCertificatesAsync(KubernetesEtcdSession session, TimeSpan timeout, CancellationToken cancellation)
    {
        var target = session.Target;
        var ca = await ReadAsync(session, target.CaPath, timeout, cancellation).ConfigureAwait(false);
        var pairs = new List<(string Cert, string Key)> { (target.ClientCertPath, target.ClientKeyPath) };
        if (target.ServerCertPath is { } serverCert && target.ServerKeyPath is { } serverKey)
        {
            pairs.Add((serverCert, serverKey));
        }

        EtcdException? last = null;
        foreach (var (certPath, keyPath) in pairs)
        {
            try
            {
                var cert = await ReadAsync(session, certPath, timeout, cancellation).ConfigureAwait(false);
                var key = await ReadAsync(session, keyPath, timeout, cancellation).ConfigureAwait(false);
                return TlsMaterial.FromPem($"{target.Display}:{certPath}", ca, cert, key);
            }
            catch (EtcdException ex) when (ex.ErrorId == EtcdErrorIds.PodCertificatesUnreadable)
            {
                last = ex;
            }
        }

        throw last!;
    }

    /// <summary>Port-forwards to the pod and connects through it; the connection owns the port-forward.</summary>
    public static async Task<ConnectResult> ConnectAsync(KubernetesEtcdSession session, EtcdConnectionOptions options, TlsMaterial? podTls,
        CancellationToken cancellation)
    {
        var target = session.Target;
        var https = target.Scheme == Uri.UriSchemeHttps;
        TlsMaterial? tls = null;
        if (https)
        {
            tls = (podTls ?? TlsMaterial.Load(options)).AcceptingServerNames(target.ServerNames);
            if (target.RequiresClientCertificate && tls.ClientCertificate is null)
            {
                throw new EtcdException(EtcdErrorIds.InvalidArgument, EtcdErrorCategory.InvalidArgument,
                    $"etcd in pod {target.Display} requires a client certificate (--client-cert-auth) and none was given.", target.Display,
                    "Give -CaCertPath, -CertPath and -KeyPath (kubeadm: /etc/kubernetes/pki/etcd/ca.crt and /etc/kubernetes/pki/apiserver-etcd-client.crt/.key on a control-plane node), or add -UsePodCertificates.");
            }
        }

        var action = $"port-forward to pod {target.Display} port {target.Port}";
        var forwarder = await CallApiAsync(ct => PodPortForwarder.StartAsync(session.Client, target.Namespace, target.Pod, target.Port, ct),
            action, session.Kubeconfig, target.Display, EtcdErrorIds.PortForwardFailed, options.DialTimeout + options.CommandTimeout, cancellation)
            .ConfigureAwait(false);
        session.Release();
        var endpoint = $"{target.Scheme}://127.0.0.1:{forwarder.LocalPort}";
        try
        {
            var result = await EtcdConnector.ConnectAsync(options with { Endpoints = [endpoint] }, cancellation, tls, forwarder).ConfigureAwait(false);
            result.Connection.KubernetesPod = target.Display;
            return result;
        }
        catch (EtcdException ex) when (ex.ErrorId is EtcdErrorIds.Unavailable or EtcdErrorIds.Timeout or EtcdErrorIds.TlsFailed && forwarder.LastError is { } reason)
        {
            throw new EtcdException(EtcdErrorIds.PortForwardFailed, EtcdErrorCategory.ConnectionError,
                $"etcd did not answer through the port-forward to {target.Display} port {target.Port}: {reason}", target.Display,
                $"Check that etcd in the pod listens on port {target.Port} (kubectl -n {target.Namespace} logs {target.Pod}), or pick another pod with -Pod.", ex);
        }
    }

    private static async Task<string> ReadAsync(KubernetesEtcdSession session, string path, TimeSpan timeout, CancellationToken cancellation)
    {
        var target = session.Target;
        try
        {
            return await CallApiAsync(ct => PodFileReader.ReadAsync(session.Client, target.Namespace, target.Pod, target.Container, path, ct),
                $"exec in pod {target.Display} to read {path}", session.Kubeconfig, target.Display, EtcdErrorIds.PodCertificatesUnreadable,
                timeout, cancellation).ConfigureAwait(false);
        }
        catch (PodFileException ex)
        {
            throw new EtcdException(EtcdErrorIds.PodCertificatesUnreadable, EtcdErrorCategory.ObjectNotFound,
                $"The etcd certificates could not be read from pod {target.Display}: {ex.Message}", target.Display,
                "Give the client certificate files with -CaCertPath, -CertPath and -KeyPath instead of -UsePodCertificates.", ex);
        }
    }

    /// <summary>Runs one API call with a deadline; maps its failures (403, unreachable, timeout) to EtcdExceptions.</summary>
    private static async Task<T> CallApiAsync<T>(Func<CancellationToken, Task<T>> call, string action, KubeconfigSelection kubeconfig,
        string target, string failureId, TimeSpan timeout, CancellationToken cancellation)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(timeout);
        try
        {
            return await call(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellation.IsCancellationRequested)
        {
            throw new EtcdException(EtcdErrorIds.KubernetesUnavailable, EtcdErrorCategory.OperationTimeout,
                $"The Kubernetes API at {kubeconfig.Server} did not answer within {timeout.TotalSeconds:0} s to {action}.", kubeconfig.Server,
                "Check that 'kubectl get nodes' works with the same kubeconfig and context, or raise -DialTimeout/-CommandTimeout.", ex);
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or EtcdException or PodFileException))
        {
            throw KubernetesApiErrors.From(ex, action, kubeconfig, target, failureId);
        }
    }
}
