using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;

namespace EtcdPS.Tests.Connection.Kubernetes;

/// <summary>
/// An in-process stand-in for the Kubernetes API server on 127.0.0.1: it lists pods, serves the port-forward
/// WebSocket protocol (v4.channel.k8s.io) to a real local TCP port (a real etcd), and serves exec of the
/// file-printing command from an in-memory file table. Only the calls Connect-Etcd -Kubernetes makes.
/// </summary>
internal sealed class FakeKubernetesApi : IDisposable
{
    private const string Protocol = "v4.channel.k8s.io";
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _requests = [];

    public FakeKubernetesApi()
    {
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            try
            {
                _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
                _listener.Start();
                Url = $"http://127.0.0.1:{port}";
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                _listener.Prefixes.Clear();
            }
        }

        _ = ServeAsync();
    }

    public string Url { get; }

    /// <summary>The pods the list call returns (any namespace, any selector: the test checks the request instead).</summary>
    public List<JsonObject> Pods { get; } = [];

    /// <summary>When set, every call is answered with this status and a Status body (403, 401, 500 ...).</summary>
    public HttpStatusCode? FailWith { get; set; }

    /// <summary>When true, port-forward (and only it) is refused with 403, as RBAC without pods/portforward does.</summary>
    public bool ForbidPortForward { get; set; }

    /// <summary>The local port a port-forward reaches (the "pod's" etcd); null makes the pod side report an error.</summary>
    public int? ForwardToPort { get; set; }

    /// <summary>Files "inside the etcd container", by path, for exec.</summary>
    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    public int PortForwards;
    public int Execs;

    public string? LastAuthorization { get; private set; }

    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>Writes a kubeconfig whose context "fake" points at this server with a bearer token.</summary>
    public string WriteKubeconfig(string folder, string context = "fake", string? currentContext = "fake")
    {
        var path = Path.Combine(folder, $"kubeconfig-{Guid.NewGuid():N}");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake-cluster
              cluster:
                server: {Url}
            users:
            - name: fake-user
              user:
                token: fake-token-123
            contexts:
            - name: {context}
              context:
                cluster: fake-cluster
                user: fake-user
            {(currentContext is null ? "" : "current-context: " + currentContext)}
            """);
        return path;
    }

    public static JsonObject Pod(string name, string phase = "Running", bool ready = true, string node = "cp-1", string[]? command = null) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "kube-system", ["labels"] = new JsonObject { ["component"] = "etcd" } },
        ["spec"] = new JsonObject
        {
            ["nodeName"] = node,
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "etcd",
                ["image"] = "registry.k8s.io/etcd:3.5.21-0",
                ["command"] = new JsonArray((command ?? ["etcd", "--client-cert-auth=true"]).Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()),
            }),
        },
        ["status"] = new JsonObject
        {
            ["phase"] = phase,
            ["hostIP"] = "10.1.2.3",
            ["podIP"] = "10.1.2.3",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" }),
        },
    };

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = request.Url!.AbsolutePath;
        lock (_requests)
        {
            _requests.Add(request.Url.PathAndQuery);
        }

        LastAuthorization = request.Headers["Authorization"];
        try
        {
            if ((path.EndsWith("/portforward", StringComparison.Ordinal) && ForbidPortForward ? HttpStatusCode.Forbidden : FailWith) is { } status)
            {
                await RespondAsync(context.Response, status, new JsonObject
                {
                    ["kind"] = "Status",
                    ["apiVersion"] = "v1",
                    ["status"] = "Failure",
                    ["message"] = $"pods is forbidden: User \"dev\" cannot do this in the namespace \"kube-system\"",
                    ["reason"] = status.ToString(),
                    ["code"] = (int)status,
                });
            }
            else if (path.EndsWith("/portforward", StringComparison.Ordinal) && request.IsWebSocketRequest)
            {
                Interlocked.Increment(ref PortForwards);
                await PortForwardAsync(context);
            }
            else if (path.EndsWith("/exec", StringComparison.Ordinal) && request.IsWebSocketRequest)
            {
                Interlocked.Increment(ref Execs);
                await ExecAsync(context);
            }
            else if (path.EndsWith("/pods", StringComparison.Ordinal))
            {
                await RespondAsync(context.Response, HttpStatusCode.OK, new JsonObject
                {
                    ["kind"] = "PodList",
                    ["apiVersion"] = "v1",
                    ["metadata"] = new JsonObject(),
                    ["items"] = new JsonArray(Pods.Select(p => (JsonNode)p.DeepClone()).ToArray()),
                });
            }
            else
            {
                await RespondAsync(context.Response, HttpStatusCode.NotFound, new JsonObject { ["kind"] = "Status", ["message"] = "not found", ["code"] = 404 });
            }
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or HttpListenerException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private static byte[] Frame(byte channel, byte[] data) => [channel, .. data];

    private static async Task RespondAsync(HttpListenerResponse response, HttpStatusCode status, JsonObject body)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        response.StatusCode = (int)status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    private async Task PortForwardAsync(HttpListenerContext context)
    {
        var port = int.Parse(HttpUtility.ParseQueryString(context.Request.Url!.Query)["ports"]!, System.Globalization.CultureInfo.InvariantCulture);
        using var socket = (await context.AcceptWebSocketAsync(Protocol)).WebSocket;
        byte[] prefix = [(byte)(port & 0xff), (byte)(port >> 8)];
        await socket.SendAsync(Frame(0, prefix), WebSocketMessageType.Binary, true, _stop.Token);
        await socket.SendAsync(Frame(1, prefix), WebSocketMessageType.Binary, true, _stop.Token);
        if (ForwardToPort is not { } target)
        {
            var error = Encoding.UTF8.GetBytes($"error forwarding port {port} to pod etcd-cp-1: dial tcp4 127.0.0.1:{port}: connect: connection refused");
            await socket.SendAsync(Frame(1, error), WebSocketMessageType.Binary, true, _stop.Token);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, _stop.Token);
            return;
        }

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, target, _stop.Token);
        var stream = tcp.GetStream();
        using var pump = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var toPod = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            var channel = -1;
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), pump.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var data = buffer.AsMemory(0, result.Count);
                if (channel < 0 && data.Length > 0)
                {
                    channel = data.Span[0];
                    data = data[1..];
                }

                if (channel == 0)
                {
                    await stream.WriteAsync(data, pump.Token);
                }

                if (result.EndOfMessage)
                {
                    channel = -1;
                }
            }
        });
        var fromPod = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(1), pump.Token)) > 0)
            {
                buffer[0] = 0;
                await socket.SendAsync(buffer.AsMemory(0, read + 1), WebSocketMessageType.Binary, true, pump.Token);
            }
        });
        try
        {
            await Task.WhenAny(toPod, fromPod);
        }
        finally
        {
            await pump.CancelAsync();
        }
    }

    private async Task ExecAsync(HttpListenerContext context)
    {
        var query = HttpUtility.ParseQueryString(context.Request.Url!.Query);
        var command = query.GetValues("command") ?? [];
        using var socket = (await context.AcceptWebSocketAsync(Protocol)).WebSocket;
        var path = command.LastOrDefault() ?? string.Empty;
        JsonObject status;
        if (command.FirstOrDefault() == "/bin/sh" && Files.TryGetValue(path, out var content))
        {
            await socket.SendAsync(Frame(1, Encoding.UTF8.GetBytes(content)), WebSocketMessageType.Binary, true, _stop.Token);
            status = new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" };
        }
        else
        {
            await socket.SendAsync(Frame(2, Encoding.UTF8.GetBytes($"sh: {path}: No such file or directory\n")), WebSocketMessageType.Binary, true, _stop.Token);
            status = new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Failure", ["message"] = "command terminated with non-zero exit code: exit status 1", ["reason"] = "NonZeroExitCode" };
        }

        await socket.SendAsync(Frame(3, Encoding.UTF8.GetBytes(status.ToJsonString())), WebSocketMessageType.Binary, true, _stop.Token);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, _stop.Token);
    }
}
