using System.Globalization;
using System.Text.Json.Nodes;

namespace EtcdPS.Engine.Lab;

/// <summary>
/// Builds Kubernetes objects in the shape the API server stores them (apiVersion, kind, metadata with uid,
/// creationTimestamp and labels, spec, status; resourceVersion left empty). Deterministic for a given seed so
/// two labs look alike: everything comes from the seeded <see cref="Random"/>, a fixed epoch and the object's names,
/// never from <c>string.GetHashCode</c> (randomised per process) or the clock.
/// </summary>
internal sealed class LabObjects(int seed = 20240611)
{
    private static readonly string[] Apps = ["web", "api", "worker", "cache", "gateway", "billing", "search", "auth", "frontend", "reports", "mailer", "scheduler"];
    private static readonly string[] Teams = ["shop", "payments", "catalog", "identity", "data", "platform", "growth", "support"];
    private readonly Random _random = new(seed);
    private readonly DateTimeOffset _epoch = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
    private int _minutes;

    public static string WorkloadNamespace(int index) =>
        index < Teams.Length ? Teams[index] : $"{Teams[index % Teams.Length]}-{index / Teams.Length:000}";

    public static string App(int index) => index < Apps.Length ? Apps[index] : $"{Apps[index % Apps.Length]}-{index / Apps.Length}";

    public static string NodeName(int index) => $"node-{index + 1:000}";

    /// <summary>The InternalIP of the node <see cref="NodeName"/>(<paramref name="index"/>).</summary>
    public static string NodeAddress(int index) => $"10.0.0.{index + 10}";

    /// <summary>The InternalIP of a node named by <see cref="NodeName"/>: the hostIP of the pods running on it.</summary>
    public static string NodeAddress(string nodeName) =>
        NodeAddress(int.Parse(nodeName.AsSpan("node-".Length), NumberStyles.None, CultureInfo.InvariantCulture) - 1);

    public string Uid()
    {
        var bytes = new byte[16];
        _random.NextBytes(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0f) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3f) | 0x80);
        return new Guid(bytes).ToString();
    }

    public string Suffix(int length)
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(length, _random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[r.Next(alphabet.Length)];
            }
        });
    }

    /// <summary>A timestamp that moves forward a little with every object, as in a cluster that grew over days.</summary>
    public string Timestamp() => Time(_epoch.AddSeconds(_minutes++ * 7));

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public JsonObject Meta(string name, string? ns, JsonObject? labels = null, JsonArray? owners = null)
    {
        var meta = new JsonObject { ["name"] = name };
        if (ns is not null)
        {
            meta["namespace"] = ns;
        }

        meta["uid"] = Uid();
        meta["creationTimestamp"] = Timestamp();
        if (labels is not null)
        {
            meta["labels"] = labels;
        }

        if (owners is not null)
        {
            meta["ownerReferences"] = owners;
        }

        return meta;
    }

    public static JsonArray Owner(string apiVersion, string kind, JsonObject ownerMeta) =>
    [
        new JsonObject
        {
            ["apiVersion"] = apiVersion, ["kind"] = kind, ["name"] = ownerMeta["name"]!.GetValue<string>(),
            ["uid"] = ownerMeta["uid"]!.GetValue<string>(), ["controller"] = true, ["blockOwnerDeletion"] = true,
        },
    ];

    public static JsonObject Object(string apiVersion, string kind, JsonObject meta, JsonObject? spec = null, JsonObject? status = null)
    {
        var obj = new JsonObject { ["kind"] = kind, ["apiVersion"] = apiVersion, ["metadata"] = meta };
        if (spec is not null)
        {
            obj["spec"] = spec;
        }

        if (status is not null)
        {
            obj["status"] = status;
        }

        return obj;
    }

    public JsonObject Namespace(string name) => Object("v1", "Namespace",
        Meta(name, null, new JsonObject { ["kubernetes.io/metadata.name"] = name }),
        new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
        new JsonObject { ["phase"] = "Active" });

    public JsonObject ServiceAccount(string ns) => Object("v1", "ServiceAccount", Meta("default", ns));

    public JsonObject RootCaConfigMap(string ns)
    {
        var cm = Object("v1", "ConfigMap", Meta("kube-root-ca.crt", ns));
        cm["data"] = new JsonObject { ["ca.crt"] = "-----BEGIN CERTIFICATE-----\nMIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\ncm5ldGVzMB4XDTI2MTEwMjA4MDAwMFoXDTM2MTAzMTA4MDAwMFowFTETMBEGA1UE\n-----END CERTIFICATE-----\n" };
        return cm;
    }

    public JsonObject AppConfigMap(string ns, string app, int revision)
    {
        var cm = Object("v1", "ConfigMap", Meta(app + "-config", ns, AppLabels(app)));
        cm["data"] = new JsonObject
        {
            ["LOG_LEVEL"] = revision > 1 ? "debug" : "info",
            ["FEATURE_FLAGS"] = revision > 2 ? "new-checkout,fast-search" : "fast-search",
            ["config.yaml"] = $"server:\n  port: 8080\n  workers: {4 * revision}\ncache:\n  ttl: 300s\n",
        };
        return cm;
    }

    public JsonObject Secret(string ns, string app)
    {
        var secret = Object("v1", "Secret", Meta(app + "-credentials", ns, AppLabels(app)));
        secret["type"] = "Opaque";
        secret["data"] = new JsonObject
        {
            ["username"] = Convert.ToBase64String("app-user"u8.ToArray()),
            ["password"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("lab-" + Suffix(16))),
        };
        return secret;
    }

    public static JsonObject AppLabels(string app) => new() { ["app.kubernetes.io/name"] = app, ["app"] = app };

    public static JsonObject PodTemplate(string app, string image, string? hash = null)
    {
        var labels = AppLabels(app);
        if (hash is not null)
        {
            labels["pod-template-hash"] = hash;
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["labels"] = labels },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = app,
                    ["image"] = image,
                    ["ports"] = new JsonArray(new JsonObject { ["containerPort"] = 8080, ["protocol"] = "TCP" }),
                    ["resources"] = new JsonObject
                    {
                        ["requests"] = new JsonObject { ["cpu"] = "100m", ["memory"] = "128Mi" },
                        ["limits"] = new JsonObject { ["memory"] = "256Mi" },
                    },
                    ["imagePullPolicy"] = "IfNotPresent",
                }),
                ["restartPolicy"] = "Always",
                ["dnsPolicy"] = "ClusterFirst",
                ["serviceAccountName"] = "default",
            },
        };
    }

    public static string Image(string app, int version) => $"registry.mycompany.com/{app}:1.{version}.0";

    public JsonObject Deployment(JsonObject meta, string app, int replicas, int generation, int imageVersion, int ready)
    {
        meta["generation"] = generation;
        meta["annotations"] = new JsonObject { ["deployment.kubernetes.io/revision"] = generation.ToString(CultureInfo.InvariantCulture) };
        var spec = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = AppLabels(app) },
            ["template"] = PodTemplate(app, Image(app, imageVersion)),
            ["strategy"] = new JsonObject
            {
                ["type"] = "RollingUpdate",
                ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" },
            },
            ["revisionHistoryLimit"] = 10,
            ["progressDeadlineSeconds"] = 600,
        };
        var status = new JsonObject
        {
            ["observedGeneration"] = generation,
            ["replicas"] = replicas,
            ["updatedReplicas"] = ready,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["conditions"] = new JsonArray(
                Condition("Available", ready == replicas ? "True" : "False", "MinimumReplicasAvailable"),
                Condition("Progressing", "True", ready == replicas ? "NewReplicaSetAvailable" : "ReplicaSetUpdated")),
        };
        return Object("apps/v1", "Deployment", meta, spec, status);
    }

    public JsonObject Condition(string type, string status, string reason) => new()
    {
        ["type"] = type, ["status"] = status, ["reason"] = reason,
        ["lastTransitionTime"] = Timestamp(), ["lastUpdateTime"] = Timestamp(),
    };

    public JsonObject ReplicaSet(JsonObject deploymentMeta, string ns, string app, string hash, int replicas, int ready)
    {
        var labels = AppLabels(app);
        labels["pod-template-hash"] = hash;
        var meta = Meta($"{app}-{hash}", ns, labels, Owner("apps/v1", "Deployment", deploymentMeta));
        var spec = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = labels.DeepClone() },
            ["template"] = PodTemplate(app, Image(app, 0), hash),
        };
        var status = new JsonObject { ["replicas"] = replicas, ["readyReplicas"] = ready, ["availableReplicas"] = ready, ["observedGeneration"] = 1 };
        return Object("apps/v1", "ReplicaSet", meta, spec, status);
    }

    public JsonObject Pod(JsonObject replicaSetMeta, string ns, string app, string hash, string node, string ip)
    {
        var labels = AppLabels(app);
        labels["pod-template-hash"] = hash;
        var name = $"{app}-{hash}-{Suffix(5)}";
        var meta = Meta(name, ns, labels, Owner("apps/v1", "ReplicaSet", replicaSetMeta));
        var template = PodTemplate(app, Image(app, 0));
        var spec = template["spec"]!.AsObject();
        template.Remove("spec");
        spec["nodeName"] = node;
        var started = Timestamp();
        var status = new JsonObject
        {
            ["phase"] = "Running",
            ["hostIP"] = NodeAddress(node),
            ["podIP"] = ip,
            ["startTime"] = started,
            ["qosClass"] = "Burstable",
            ["conditions"] = new JsonArray(Condition("Initialized", "True", "PodCompleted"), Condition("Ready", "True", "ContainersReady"), Condition("PodScheduled", "True", "Scheduled")),
            ["containerStatuses"] = new JsonArray(new JsonObject
            {
                ["name"] = app, ["ready"] = true, ["restartCount"] = 0, ["image"] = Image(app, 0),
                ["containerID"] = "containerd://" + Suffix(24),
                ["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = started } },
            }),
        };
        return Object("v1", "Pod", meta, spec, status);
    }

    public JsonObject Service(string ns, string name, string clusterIp, JsonObject? selector)
    {
        var spec = new JsonObject
        {
            ["type"] = "ClusterIP",
            ["clusterIP"] = clusterIp,
            ["clusterIPs"] = new JsonArray(clusterIp),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = selector is null ? 443 : 80, ["protocol"] = "TCP", ["targetPort"] = selector is null ? 6443 : 8080 }),
            ["sessionAffinity"] = "None",
        };
        if (selector is not null)
        {
            spec["selector"] = selector;
        }

        return Object("v1", "Service", Meta(name, ns, selector?.DeepClone().AsObject()), spec, new JsonObject { ["loadBalancer"] = new JsonObject() });
    }

    public JsonObject Endpoints(string ns, string name, IEnumerable<string> ips, int port)
    {
        var endpoints = Object("v1", "Endpoints", Meta(name, ns));
        endpoints["subsets"] = new JsonArray(new JsonObject
        {
            ["addresses"] = new JsonArray(ips.Select(ip => (JsonNode)new JsonObject { ["ip"] = ip }).ToArray()),
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "http", ["port"] = port, ["protocol"] = "TCP" }),
        });
        return endpoints;
    }

    public JsonObject Event(string ns, string involvedKind, string involvedName, string reason, string message, string component)
    {
        var time = Timestamp();
        var ev = Object("v1", "Event", Meta($"{involvedName}.{Suffix(16)}", ns));
        ev["involvedObject"] = new JsonObject { ["kind"] = involvedKind, ["namespace"] = ns, ["name"] = involvedName, ["apiVersion"] = "v1" };
        ev["reason"] = reason;
        ev["message"] = message;
        ev["source"] = new JsonObject { ["component"] = component };
        ev["firstTimestamp"] = time;
        ev["lastTimestamp"] = time;
        ev["count"] = 1;
        ev["type"] = "Normal";
        ev["reportingComponent"] = component;
        return ev;
    }

    public JsonObject Node(string name, int index)
    {
        var labels = new JsonObject
        {
            ["kubernetes.io/hostname"] = name, ["kubernetes.io/os"] = "linux", ["kubernetes.io/arch"] = "amd64",
            ["topology.kubernetes.io/zone"] = "zone-" + (char)('a' + (index % 3)),
        };
        var status = new JsonObject
        {
            ["capacity"] = new JsonObject { ["cpu"] = "8", ["memory"] = "32871424Ki", ["pods"] = "110" },
            ["allocatable"] = new JsonObject { ["cpu"] = "7800m", ["memory"] = "31720448Ki", ["pods"] = "110" },
            ["conditions"] = new JsonArray(Condition("MemoryPressure", "False", "KubeletHasSufficientMemory"), Condition("Ready", "True", "KubeletReady")),
            ["addresses"] = new JsonArray(new JsonObject { ["type"] = "InternalIP", ["address"] = NodeAddress(index) }, new JsonObject { ["type"] = "Hostname", ["address"] = name }),
            ["nodeInfo"] = new JsonObject { ["kubeletVersion"] = "v1.31.2", ["containerRuntimeVersion"] = "containerd://1.7.22", ["osImage"] = "Debian GNU/Linux 12 (bookworm)" },
        };
        return Object("v1", "Node", Meta(name, null, labels), new JsonObject { ["podCIDR"] = $"10.244.{index}.0/24" }, status);
    }

    public JsonObject NodeLease(string node, DateTimeOffset renewTime)
    {
        var spec = new JsonObject
        {
            ["holderIdentity"] = node, ["leaseDurationSeconds"] = 40,
            ["renewTime"] = renewTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        };
        return Object("coordination.k8s.io/v1", "Lease", Meta(node, "kube-node-lease"), spec);
    }

    public JsonObject ClusterRole(string name)
    {
        var role = Object("rbac.authorization.k8s.io/v1", "ClusterRole", Meta(name, null, new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" }));
        role["rules"] = new JsonArray(new JsonObject
        {
            ["apiGroups"] = new JsonArray(name == "cluster-admin" ? "*" : ""),
            ["resources"] = new JsonArray(name == "cluster-admin" ? "*" : "pods"),
            ["verbs"] = new JsonArray(name is "view" or "system:basic-user" ? new JsonNode[] { "get", "list", "watch" } : ["*"]),
        });
        return role;
    }

    public JsonObject RangeAllocation(string range)
    {
        var allocation = Object("v1", "RangeAllocation", Meta(string.Empty, null));
        allocation["range"] = range;
        allocation["data"] = Convert.ToBase64String(new byte[32]);
        return allocation;
    }

    public JsonObject CustomResourceDefinition(string plural, string kind)
    {
        var name = $"{plural}.demo.mycompany.com";
        var schema = new JsonObject
        {
            ["openAPIV3Schema"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["spec"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                    ["status"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
                },
            },
        };
        var spec = new JsonObject
        {
            ["group"] = "demo.mycompany.com",
            ["names"] = new JsonObject { ["plural"] = plural, ["singular"] = kind.ToLowerInvariant(), ["kind"] = kind, ["listKind"] = kind + "List" },
            ["scope"] = "Namespaced",
            ["versions"] = new JsonArray(new JsonObject
            {
                ["name"] = "v1", ["served"] = true, ["storage"] = true, ["schema"] = schema,
                ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
            }),
        };
        var status = new JsonObject
        {
            ["acceptedNames"] = spec["names"]!.DeepClone(),
            ["storedVersions"] = new JsonArray("v1"),
            ["conditions"] = new JsonArray(Condition("Established", "True", "InitialNamesAccepted")),
        };
        return Object("apiextensions.k8s.io/v1", "CustomResourceDefinition", Meta(name, null), spec, status);
    }

    public JsonObject ConfigMapApp(string ns, string name, int generation)
    {
        var meta = Meta(name, ns, AppLabels(name));
        meta["generation"] = generation;
        var spec = new JsonObject
        {
            ["configMapName"] = name + "-settings",
            ["data"] = new JsonObject { ["greeting"] = generation > 1 ? $"hello v{generation}" : "hello", ["replicas"] = "2" },
        };
        var status = new JsonObject { ["observedGeneration"] = generation, ["phase"] = "Synced", ["lastSyncTime"] = Timestamp() };
        return Object("demo.mycompany.com/v1", "ConfigMapApp", meta, spec, status);
    }

    public JsonObject SimpleApp(string ns, string name, int generation, int replicas)
    {
        var meta = Meta(name, ns, AppLabels(name));
        meta["generation"] = generation;
        var spec = new JsonObject { ["image"] = Image(name, generation), ["replicas"] = replicas, ["port"] = 8080 };
        var status = new JsonObject { ["observedGeneration"] = generation, ["availableReplicas"] = replicas, ["phase"] = "Running" };
        return Object("demo.mycompany.com/v1", "SimpleApp", meta, spec, status);
    }
}
