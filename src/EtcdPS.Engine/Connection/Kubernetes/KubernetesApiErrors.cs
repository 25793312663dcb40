using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using k8s.Autorest;

namespace EtcdPS.Engine.Connection.Kubernetes;

/// <summary>Turns KubernetesClient failures into <see cref="EtcdException"/>s that say what to do.</summary>
internal static class KubernetesApiErrors
{
    /// <param name="original">The failure (never kept: see <see cref="Scrub"/>).</param>
    /// <param name="action">What was attempted, e.g. "list pods in kube-system".</param>
    /// <param name="kubeconfig">The context and API server, for the message.</param>
    /// <param name="target">The pod or namespace concerned.</param>
    /// <param name="failureId">The ErrorId for a failure that is neither access nor reachability.</param>
    public static EtcdException From(Exception original, string action, KubeconfigSelection kubeconfig, string target, string failureId)
    {
        var http = original as HttpOperationException;
        // KubernetesClient's exceptions keep the request, bearer token header included: the error carries a copy
        // with the messages only, never the original.
        var ex = Scrub(original);
        var where = $"the Kubernetes API at {kubeconfig.Server} (context '{kubeconfig.Context}')";
        if (http?.Response is not null)
        {
            var status = http.Response.StatusCode;
            var detail = StatusMessage(http.Response.Content);
            var suffix = string.IsNullOrEmpty(detail) ? string.Empty : $": {detail}";
            return status switch
            {
                HttpStatusCode.Unauthorized => new EtcdException(EtcdErrorIds.KubernetesForbidden, EtcdErrorCategory.AuthenticationError,
                    $"{where} rejected the credentials of the context (401) when trying to {action}{suffix}", target,
                    "Refresh the credentials of the context (log in again), or choose another with -Context.", ex),
                HttpStatusCode.Forbidden => new EtcdException(EtcdErrorIds.KubernetesForbidden, EtcdErrorCategory.PermissionDenied,
                    $"{where} does not allow the user to {action} (403){suffix}", target,
                    "Use a context with cluster-admin rights (kubeadm: /etc/kubernetes/admin.conf); reaching etcd needs get/list on pods, create on pods/portforward and, for -UsePodCertificates, create on pods/exec in the etcd namespace.", ex),
                HttpStatusCode.NotFound => new EtcdException(EtcdErrorIds.PodNotFound, EtcdErrorCategory.ObjectNotFound,
                    $"{where} found nothing to {action} (404){suffix}", target,
                    "Check -Namespace and -Pod: the pod may have been replaced; run the command again.", ex),
                _ => new EtcdException(failureId, EtcdErrorCategory.ConnectionError,
                    $"{where} failed to {action} ({(int)status}){suffix}", target,
                    "Check the cluster with kubectl, then try again.", ex),
            };
        }

        if (original is HttpRequestException or TimeoutException or IOException or System.Net.Sockets.SocketException
            || (original is WebSocketException ws && ws.InnerException is HttpRequestException or System.Net.Sockets.SocketException))
        {
            return new EtcdException(EtcdErrorIds.KubernetesUnavailable, EtcdErrorCategory.ConnectionError,
                $"{where} is not reachable to {action}: {Innermost(ex)}", kubeconfig.Server,
                "Check that the cluster runs and that 'kubectl get nodes' works with the same kubeconfig and context.", ex);
        }

        return new EtcdException(failureId, EtcdErrorCategory.ConnectionError,
            $"Could not {action} through {where}: {Innermost(ex)}", target,
            "Check the cluster with kubectl, then try again.", ex);
    }

    /// <summary>
    /// The failure as a chain of plain exceptions holding only each one's type name and message: no request, response,
    /// headers or other objects that may carry the context's credentials.
    /// </summary>
    internal static Exception Scrub(Exception ex) =>
        new KubernetesApiFailure($"{ex.GetType().Name}: {ex.Message}", ex.InnerException is null ? null : Scrub(ex.InnerException));

    /// <summary>
    /// A refused WebSocket upgrade only says "status 403 when 101 was expected". The same subresource asked with a
    /// plain GET returns the API server's Status (who is forbidden what); that is the failure worth reporting.
    /// </summary>
    public static async Task<Exception> ExplainRefusedUpgradeAsync(WebSocketException refused, Func<Task> plainRequest)
    {
        try
        {
            await plainRequest().ConfigureAwait(false);
        }
        catch (HttpOperationException http) when (http.Response is { StatusCode: not HttpStatusCode.BadRequest })
        {
            // 400 is "Upgrade request required": the plain GET was allowed, so the upgrade failed for another reason.
            return http;
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or IOException or OperationCanceledException or System.Text.Json.JsonException)
        {
        }

        return refused;
    }

    /// <summary>The message of a Kubernetes Status body, when the body is one.</summary>
    private static string? StatusMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex.Message;
    }
}

/// <summary>What is kept of a Kubernetes API failure: its type name and message (see <see cref="KubernetesApiErrors.Scrub"/>).</summary>
internal sealed class KubernetesApiFailure(string message, Exception? inner) : Exception(message, inner);
