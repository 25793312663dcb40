using System.Text.Json.Nodes;

namespace EtcdPS.Tests.Kubernetes;

/// <summary>Objects in the API server's JSON shape, built by the tests (no ../shared needed).</summary>
internal static class KubernetesTestObjects
{
    public static JsonObject ConfigMap(string name = "settings", string ns = "default") => new()
    {
        ["kind"] = "ConfigMap",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = ns,
            ["uid"] = "7d1f1c5e-3c55-4c43-9a1e-5b8f1e0f2a11",
            ["creationTimestamp"] = "2025-03-04T05:06:07Z",
            ["labels"] = new JsonObject { ["app"] = "web", ["tier"] = "front" },
        },
        ["data"] = new JsonObject { ["z.conf"] = "last=1", ["a.conf"] = "first=1\n" },
    };

    public static JsonObject Secret() => new()
    {
        ["kind"] = "Secret",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject { ["name"] = "db", ["namespace"] = "prod", ["creationTimestamp"] = "2025-03-04T05:06:07Z" },
        ["data"] = new JsonObject { ["password"] = Convert.ToBase64String("hunter2-very-secret"u8.ToArray()) },
        ["type"] = "Opaque",
    };

    public static JsonObject Deployment(int replicas = 3) => new()
    {
        ["kind"] = "Deployment",
        ["apiVersion"] = "apps/v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = "web",
            ["namespace"] = "shop",
            ["generation"] = 4,
            ["creationTimestamp"] = "2025-01-02T03:04:05Z",
            ["labels"] = new JsonObject { ["app"] = "web" },
        },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "web" } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = "web" } },
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "nginx",
                        ["image"] = "nginx:1.27",
                        ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 80, ["protocol"] = "TCP" }),
                        ["resources"] = new JsonObject
                        {
                            ["limits"] = new JsonObject { ["cpu"] = "500m", ["memory"] = "128Mi" },
                        },
                        ["readinessProbe"] = new JsonObject
                        {
                            ["httpGet"] = new JsonObject { ["path"] = "/healthz", ["port"] = "http", ["scheme"] = "HTTP" },
                            ["periodSeconds"] = 10,
                        },
                    }),
                    ["terminationGracePeriodSeconds"] = 30,
                },
            },
            ["strategy"] = new JsonObject
            {
                ["type"] = "RollingUpdate",
                ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = 1, ["maxSurge"] = "25%" },
            },
            ["progressDeadlineSeconds"] = 600,
        },
        ["status"] = new JsonObject
        {
            ["observedGeneration"] = 4,
            ["replicas"] = replicas,
            ["readyReplicas"] = replicas - 1,
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Available",
                ["status"] = "True",
                ["lastUpdateTime"] = "2025-01-02T03:05:00Z",
                ["lastTransitionTime"] = "2025-01-02T03:05:00Z",
                ["reason"] = "MinimumReplicasAvailable",
                ["message"] = "Deployment has minimum availability.",
            }),
        },
    };

    public static JsonObject Pod(int i) => new()
    {
        ["kind"] = "Pod",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject
        {
            ["name"] = $"web-{i}",
            ["namespace"] = "shop",
            ["uid"] = Guid.NewGuid().ToString(),
            ["creationTimestamp"] = "2025-01-02T03:04:05Z",
            ["labels"] = new JsonObject { ["app"] = "web", ["pod-template-hash"] = "5d8f7c9b6d" },
            ["ownerReferences"] = new JsonArray(new JsonObject
            {
                ["apiVersion"] = "apps/v1", ["kind"] = "ReplicaSet", ["name"] = "web-5d8f7c9b6d",
                ["uid"] = "0b6c1f0e-1d51-4a7a-8d55-2f7d3c9b1a00", ["controller"] = true, ["blockOwnerDeletion"] = true,
            }),
        },
        ["spec"] = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "nginx",
                ["image"] = "nginx:1.27",
                ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 80, ["protocol"] = "TCP" }),
                ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "64Mi" } },
                ["env"] = new JsonArray(new JsonObject { ["name"] = "MODE", ["value"] = "production" }),
            }),
            ["nodeName"] = $"node-{i % 7}",
            ["serviceAccountName"] = "default",
            ["restartPolicy"] = "Always",
        },
        ["status"] = new JsonObject
        {
            ["phase"] = "Running",
            ["podIP"] = $"10.244.{i / 250 % 250}.{i % 250}",
            ["startTime"] = "2025-01-02T03:04:06Z",
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Ready", ["status"] = "True", ["lastProbeTime"] = null, ["lastTransitionTime"] = "2025-01-02T03:04:09Z",
            }),
        },
    };
}
