using System.Globalization;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Lab;

/// <summary>
/// The <c>metadata.managedFields</c> a real API server keeps: one entry per (manager, operation, subresource), with
/// the time of that manager's last change and the fields it owns. The lab's objects carry the managers that write
/// such objects in a cluster (kubectl, kube-controller-manager, kubelet, the scheduler, the demo operator), so
/// <c>Measure-EtcdRevisionRate -ByManager</c> and <c>examples/operator-debug.ps1</c> can tell who wrote what.
/// </summary>
internal static class LabManagedFields
{
    public const string Kubectl = "kubectl-client-side-apply";
    public const string ControllerManager = "kube-controller-manager";
    public const string Kubelet = "kubelet";
    public const string Operator = "demo-operator";
    public const string ReplicaTuner = "replica-tuner";

    /// <summary>Adds the entries an object of its kind has when the lab creates it, all at its creationTimestamp.</summary>
    public static JsonObject Stamp(JsonObject obj)
    {
        var kind = obj["kind"]?.GetValue<string>() ?? string.Empty;
        var time = obj["metadata"]?["creationTimestamp"]?.GetValue<string>() ?? "2026-01-01T00:00:00Z";
        var custom = (obj["apiVersion"]?.GetValue<string>() ?? string.Empty).Contains(".mycompany.com", StringComparison.Ordinal);
        var (creator, statusWriter) = kind switch
        {
            "Deployment" => (Kubectl, ControllerManager),
            "ReplicaSet" or "Endpoints" => (ControllerManager, ControllerManager),
            "Pod" => (ControllerManager, Kubelet),
            "Node" => (Kubelet, Kubelet),
            "Lease" => (Kubelet, null),
            "ServiceAccount" => (ControllerManager, null),
            "Event" => (obj["source"]?["component"]?.GetValue<string>() switch
            {
                "kubelet" => Kubelet,
                "default-scheduler" => "kube-scheduler",
                _ => ControllerManager,
            }, null),
            "RangeAllocation" => ("kube-apiserver", null),
            "Namespace" => ("kubectl-create", null),
            "CustomResourceDefinition" => (Kubectl, "kube-apiserver"),
            "ConfigMap" when obj["metadata"]?["name"]?.GetValue<string>() == "kube-root-ca.crt" => (ControllerManager, null),
            _ when custom => (Kubectl, Operator),
            _ => (Kubectl, (string?)null),
        };

        Set(obj, creator, "Update", null, time, MainFields(obj));
        if (statusWriter is not null && obj["status"] is not null)
        {
            Set(obj, statusWriter, "Update", "status", time, ["f:status"]);
        }

        return obj;
    }

    /// <summary>Records that <paramref name="manager"/> changed <paramref name="fields"/> of the object at <paramref name="time"/>.</summary>
    public static void Set(JsonObject obj, string manager, string operation, string? subresource, string time, IEnumerable<string> fields)
    {
        var meta = obj["metadata"] as JsonObject ?? throw new ArgumentException("The object has no metadata.", nameof(obj));
        var entries = meta["managedFields"] as JsonArray;
        if (entries is null)
        {
            entries = [];
            meta["managedFields"] = entries;
        }

        var fieldsV1 = new JsonObject();
        foreach (var field in fields)
        {
            fieldsV1[field] = new JsonObject();
        }

        var entry = new JsonObject
        {
            ["manager"] = manager,
            ["operation"] = operation,
            ["apiVersion"] = obj["apiVersion"]?.GetValue<string>(),
            ["time"] = time,
            ["fieldsType"] = "FieldsV1",
            ["fieldsV1"] = fieldsV1,
        };
        if (subresource is not null)
        {
            entry["subresource"] = subresource;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i] is JsonObject e && (string?)e["manager"] == manager && (string?)e["operation"] == operation
                && (string?)e["subresource"] == subresource)
            {
                entries[i] = entry;
                return;
            }
        }

        entries.Add(entry);
    }

    /// <summary>The API server's time format for managedFields (seconds, UTC).</summary>
    public static string Now() => DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static List<string> MainFields(JsonObject obj)
    {
        var fields = new List<string> { "f:metadata" };
        foreach (var (name, _) in obj)
        {
            if (name is not ("kind" or "apiVersion" or "metadata" or "status"))
            {
                fields.Add("f:" + name);
            }
        }

        return fields;
    }
}
