using System.Text.Json.Nodes;
using EtcdPS.Engine.Lab;

namespace EtcdPS.Tests.Lab;

/// <summary>The lab's objects are the same on every run for the same seed, in every process.</summary>
public sealed class LabObjectsTests
{
    private static string[] Build(int seed)
    {
        var objects = new LabObjects(seed);
        var replicaSet = objects.ReplicaSet(objects.Namespace("shop")["metadata"]!.AsObject(), "shop", "web", "7c9f8d6b5", 2, 2);
        var meta = replicaSet["metadata"]!.AsObject();
        return
        [
            replicaSet.ToJsonString(),
            objects.Pod(meta, "shop", "web", "7c9f8d6b5", LabObjects.NodeName(2), "10.244.1.7").ToJsonString(),
            objects.Node(LabObjects.NodeName(2), 2).ToJsonString(),
            objects.Secret("shop", "web").ToJsonString(),
        ];
    }

    [Fact]
    public void The_same_seed_builds_the_same_objects_and_another_seed_other_ones()
    {
        Assert.Equal(Build(42), Build(42));
        Assert.NotEqual(Build(42), Build(43));
    }

    [Fact]
    public void A_pod_runs_on_its_nodes_address_whatever_the_process()
    {
        // A value fixed in the test, not computed in it: string.GetHashCode (randomised per process) would miss it.
        var objects = new LabObjects();
        var meta = objects.ReplicaSet(objects.Namespace("shop")["metadata"]!.AsObject(), "shop", "web", "7c9f8d6b5", 1, 1)["metadata"]!.AsObject();
        var pod = objects.Pod(meta, "shop", "web", "7c9f8d6b5", "node-003", "10.244.1.7");
        Assert.Equal("10.0.0.12", (string?)pod["status"]!["hostIP"]);

        var node = objects.Node("node-003", 2);
        var internalIp = node["status"]!["addresses"]!.AsArray().Single(a => (string?)a!["type"] == "InternalIP")!;
        Assert.Equal("10.0.0.12", (string?)internalIp["address"]);
    }
}
