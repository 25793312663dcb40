using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using k8s;

namespace EtcdPS.Engine.Connection.Kubernetes;

/// <summary>
/// A local TCP port on 127.0.0.1 whose connections reach a port inside a pod, like <c>kubectl port-forward</c>.
/// Each accepted connection gets its own port-forward WebSocket from the API server (channel 0 carries the data,
/// channel 1 the errors; the server starts each channel with the port number, two bytes little-endian).
/// It lives as long as the etcd connection that owns it.
/// </summary>
internal sealed class PodPortForwarder : IDisposable
{
    /// <summary>The sub-protocol the API server and kubelet speak for port-forward over WebSocket.</summary>
    public const string Protocol = "v4.channel.k8s.io";

    private const byte DataChannel = 0;
    private const byte ErrorChannel = 1;
    private const int MaxErrorText = 4096;

    private readonly IKubernetes _client;
    private readonly string _namespace;
    private readonly string _pod;
    private readonly int _remotePort;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private WebSocket? _opened;
    private string? _lastError;
    private int _disposed;

    private PodPortForwarder(IKubernetes client, string @namespace, string pod, int remotePort, WebSocket first)
    {
        _client = client;
        _namespace = @namespace;
        _pod = pod;
        _remotePort = remotePort;
        _opened = first;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        LocalPort = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    /// <summary>The local port on 127.0.0.1.</summary>
    public int LocalPort { get; }

    /// <summary>What the pod side reported last (e.g. connection refused), for error messages.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>
    /// Opens the first port-forward WebSocket before listening, so that an API server that refuses
    /// (403, no such pod) fails the connect with its own reason, not as an unreachable etcd later.
    /// </summary>
    /// <exception cref="Exception">What KubernetesClient threw; the caller maps it.</exception>
    public static async Task<PodPortForwarder> StartAsync(IKubernetes client, string @namespace, string pod, int remotePort, CancellationToken cancellation)
    {
        WebSocket first;
        try
        {
            first = await client.WebSocketNamespacedPodPortForwardAsync(pod, @namespace, [remotePort], Protocol, cancellationToken: cancellation)
                .ConfigureAwait(false);
        }
        catch (WebSocketException refused)
        {
            throw await KubernetesApiErrors.ExplainRefusedUpgradeAsync(refused,
                () => client.CoreV1.ConnectGetNamespacedPodPortforwardAsync(pod, @namespace, remotePort, cancellation)).ConfigureAwait(false);
        }

        return new PodPortForwarder(client, @namespace, pod, remotePort, first);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _listener.Stop();
        Interlocked.Exchange(ref _opened, null)?.Dispose();
        _client.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient connection;
            try
            {
                connection = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(connection);
        }
    }

    private async Task ServeAsync(TcpClient connection)
    {
        WebSocket? socket = Interlocked.Exchange(ref _opened, null);
        try
        {
            connection.NoDelay = true;
            socket ??= await _client.WebSocketNamespacedPodPortForwardAsync(_pod, _namespace, [_remotePort], Protocol, cancellationToken: _stop.Token)
                .ConfigureAwait(false);
            using var pump = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var stream = connection.GetStream();
            var up = CopyToPodAsync(stream, socket, pump.Token);
            var down = CopyFromPodAsync(socket, stream, pump.Token);
            await Task.WhenAny(up, down).ConfigureAwait(false);
            pump.Cancel();
            await Task.WhenAll(up, down).ConfigureAwait(false);
        }
        catch (Exception ex) when (!_stop.IsCancellationRequested)
        {
            Volatile.Write(ref _lastError, $"the port-forward to {_namespace}/{_pod}:{_remotePort} failed: {ex.Message}");
        }
        catch (Exception)
        {
            // Disposed while the connection was open: the owner is closing, nothing to report.
        }
        finally
        {
            socket?.Dispose();
            connection.Dispose();
        }
    }

    private static async Task CopyToPodAsync(NetworkStream from, WebSocket to, CancellationToken cancellation)
    {
        var buffer = new byte[64 * 1024];
        buffer[0] = DataChannel;
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer.AsMemory(1), cancellation).ConfigureAwait(false)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, true, cancellation).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or WebSocketException or ObjectDisposedException)
        {
        }
    }

    private async Task CopyFromPodAsync(WebSocket from, NetworkStream to, CancellationToken cancellation)
    {
        var buffer = new byte[64 * 1024];
        var prefixLeft = new[] { 2, 2 };
        var errors = new StringBuilder();
        var channel = -1;
        try
        {
            while (true)
            {
                var result = await from.ReceiveAsync(buffer.AsMemory(), cancellation).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var data = buffer.AsMemory(0, result.Count);
                if (channel < 0)
                {
                    // The channel byte starts a message, not its continuation frames.
                    if (data.Length == 0)
                    {
                        continue;
                    }

                    channel = data.Span[0];
                    data = data[1..];
                }

                if (channel is DataChannel or ErrorChannel)
                {
                    var skip = Math.Min(prefixLeft[channel], data.Length);
                    prefixLeft[channel] -= skip;
                    data = data[skip..];
                }

                if (channel == DataChannel && data.Length > 0)
                {
                    await to.WriteAsync(data, cancellation).ConfigureAwait(false);
                }
                else if (channel == ErrorChannel && errors.Length < MaxErrorText)
                {
                    errors.Append(Encoding.UTF8.GetString(data.Span));
                }

                if (result.EndOfMessage)
                {
                    channel = -1;
                    if (errors.Length > 0)
                    {
                        // The pod side reports one error and gives up the stream: etcd is not listening, or the pod is gone.
                        Volatile.Write(ref _lastError, $"the pod {_namespace}/{_pod} reported: {errors.ToString().Trim()}");
                        break;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or WebSocketException or ObjectDisposedException)
        {
        }

        try
        {
            to.Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }
}
