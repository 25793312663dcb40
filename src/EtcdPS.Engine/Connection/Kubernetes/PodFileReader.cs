using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using k8s;

namespace EtcdPS.Engine.Connection.Kubernetes;

/// <summary>
/// Reads a small text file inside a pod's container through the API server's exec (like <c>kubectl exec</c>),
/// into memory only. The Kubernetes etcd image is distroless with a static shell and no <c>cat</c>, so the file
/// is printed with shell built-ins; the path is passed as an argument, never spliced into the script.
/// </summary>
internal static class PodFileReader
{
    private const string Protocol = "v4.channel.k8s.io";
    private const int MaxFileBytes = 1024 * 1024;
    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte StatusChannel = 3;

    private const string PrintFile = "while IFS= read -r line || [ -n \"$line\" ]; do printf '%s\\n' \"$line\"; done < \"$1\"";

    /// <summary>The file's text. Failures carry the shell's stderr (e.g. "No such file"), never the file content.</summary>
    /// <exception cref="PodFileException">The command ran and failed, or printed nothing.</exception>
    public static async Task<string> ReadAsync(IKubernetes client, string @namespace, string pod, string? container, string path, CancellationToken cancellation)
    {
        WebSocket socket;
        try
        {
            socket = await client.WebSocketNamespacedPodExecAsync(pod, @namespace, ["/bin/sh", "-c", PrintFile, "etcdps", path], container,
                true, false, true, false, Protocol, null, cancellation).ConfigureAwait(false);
        }
        catch (WebSocketException refused)
        {
            throw await KubernetesApiErrors.ExplainRefusedUpgradeAsync(refused, () => client.CoreV1.ConnectGetNamespacedPodExecAsync(pod, @namespace,
                "/bin/sh", container, true, false, true, false, cancellation)).ConfigureAwait(false);
        }

        using var owned = socket;
        var stdout = new MemoryStream();
        var stderr = new StringBuilder();
        var status = new StringBuilder();
        var buffer = new byte[16 * 1024];
        var channel = -1;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(), cancellation).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                break;
            }

            var data = buffer.AsMemory(0, result.Count);
            if (channel < 0 && data.Length > 0)
            {
                channel = data.Span[0];
                data = data[1..];
            }

            switch (channel)
            {
                case StdoutChannel when stdout.Length + data.Length <= MaxFileBytes:
                    stdout.Write(data.Span);
                    break;
                case StdoutChannel:
                    throw new PodFileException($"'{path}' is larger than {MaxFileBytes / 1024} KiB; it is not a certificate file.");
                case StderrChannel when stderr.Length < 4096:
                    stderr.Append(Encoding.UTF8.GetString(data.Span));
                    break;
                case StatusChannel:
                    status.Append(Encoding.UTF8.GetString(data.Span));
                    break;
            }

            if (result.EndOfMessage)
            {
                channel = -1;
            }
        }

        var failure = Failure(status.ToString());
        if (failure is not null || stdout.Length == 0)
        {
            var why = stderr.Length > 0 ? stderr.ToString().Trim() : failure ?? "the command printed nothing";
            throw new PodFileException($"'{path}' could not be read in the container: {why}");
        }

        return Encoding.UTF8.GetString(stdout.GetBuffer(), 0, (int)stdout.Length);
    }

    /// <summary>The message of a Failure Status on the status channel; null for Success or no status.</summary>
    private static string? Failure(string status)
    {
        if (string.IsNullOrWhiteSpace(status))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(status);
            var root = document.RootElement;
            if (root.TryGetProperty("status", out var outcome) && outcome.GetString() == "Success")
            {
                return null;
            }

            return root.TryGetProperty("message", out var message) ? message.GetString() : "the command failed";
        }
        catch (JsonException)
        {
            return "the command failed";
        }
    }
}

/// <summary>A file in a pod could not be read; the message names the file and the reason, never its content.</summary>
internal sealed class PodFileException(string message) : Exception(message);
