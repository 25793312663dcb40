using System.Text.Json.Nodes;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Tests.Kubernetes;

/// <summary>Every kind gets a one-line Summary: its own for the common kinds, the telling status field for the rest.</summary>
public sealed class KubernetesSummaryTests
{
    [Theory]
    [InlineData("Namespace", """{"status":{"phase":"Terminating"}}""", "Terminating")]
    [InlineData("Namespace", """{}""", "Active")]
    [InlineData("DaemonSet", """{"status":{"numberReady":2,"desiredNumberScheduled":3}}""", "2/3 ready")]
    [InlineData("Job", """{"status":{"conditions":[{"type":"Complete","status":"True"}]}}""", "Complete")]
    [InlineData("Job", """{"spec":{"completions":5},"status":{"succeeded":2}}""", "2/5 succeeded")]
    [InlineData("CronJob", """{"spec":{"schedule":"*/5 * * * *","suspend":true}}""", "*/5 * * * * (suspended)")]
    [InlineData("Lease", """{"spec":{"holderIdentity":"node-1"}}""", "held by node-1")]
    [InlineData("PersistentVolumeClaim", """{"status":{"phase":"Bound","capacity":{"storage":"10Gi"}}}""", "Bound 10Gi")]
    [InlineData("HorizontalPodAutoscaler", """{"spec":{"minReplicas":2,"maxReplicas":10},"status":{"currentReplicas":4}}""", "4 replicas (2-10)")]
    [InlineData("Node", """{"status":{"conditions":[{"type":"Ready","status":"False"}],"nodeInfo":{"kubeletVersion":"v1.31.2"}}}""", "NotReady, v1.31.2")]
    [InlineData("ClusterRoleBinding", """{"roleRef":{"kind":"ClusterRole","name":"admin"}}""", "ClusterRole admin")]
    [InlineData("Certificate", """{"status":{"conditions":[{"type":"Ready","status":"True"}]}}""", "Ready")]
    [InlineData("Certificate", """{"status":{"conditions":[{"type":"Ready","status":"False","reason":"Pending"}]}}""", "NotReady: Pending")]
    [InlineData("Workflow", """{"status":{"phase":"Succeeded"}}""", "Succeeded")]
    [InlineData("Cluster", """{"metadata":{"generation":5},"status":{"observedGeneration":4}}""", "reconciling (generation 5, observed 4)")]
    [InlineData("Widget", """{"status":{"size":3,"nested":{"a":1}}}""", "size=3")]
    [InlineData("Widget", """{"spec":{"size":3}}""", "")]
    public void Summarises(string kind, string json, string expected) =>
        Assert.Equal(expected, KubernetesSummary.For(kind, JsonNode.Parse(json)!.AsObject()));
}
