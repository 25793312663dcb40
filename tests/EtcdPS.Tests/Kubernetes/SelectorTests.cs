using System.Text.Json.Nodes;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Tests.Kubernetes;

/// <summary>Label and field selectors: kubectl's grammar and semantics, including the cases that surprise.</summary>
public sealed class SelectorTests
{
    private static readonly Dictionary<string, string> s_web = new() { ["app"] = "web", ["tier"] = "fe", ["replicas"] = "3" };
    private static readonly Dictionary<string, string> s_none = [];

    [Theory]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app = web", true)]
    [InlineData("app=api", false)]
    [InlineData("app!=api", true)]
    [InlineData("app in (api, web)", true)]
    [InlineData("app notin (api,web)", false)]
    [InlineData("tier,app", true)]
    [InlineData("!tier", false)]
    [InlineData("!legacy", true)]
    [InlineData("app=web,tier!=fe", false)]
    [InlineData("replicas>2", true)]
    [InlineData("replicas<3", false)]
    [InlineData("example.com/team=", false)]
    [InlineData("", true)]
    public void Matches_like_kubectl(string selector, bool expected) =>
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(s_web));

    [Theory]
    [InlineData("app!=web")]
    [InlineData("app notin (web)")]
    [InlineData("!app")]
    public void Negations_match_objects_without_the_label(string selector) =>
        Assert.True(LabelSelector.Parse(selector).Matches(s_none));

    [Theory]
    [InlineData("app in (web")]
    [InlineData("app in web")]
    [InlineData("app=web,")]
    [InlineData("app >= 3")]
    [InlineData("app > x")]
    [InlineData("=web")]
    public void Refuses_what_kubectl_refuses(string selector)
    {
        var ex = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));
        Assert.Contains("selector", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Field_selectors_read_any_path_and_treat_missing_fields_as_empty()
    {
        var pod = JsonNode.Parse("""{"metadata":{"name":"web-0","namespace":"shop"},"spec":{"nodeName":"n1","hostNetwork":true,"priority":5},"status":{"phase":"Running"}}""")!.AsObject();
        Assert.True(FieldSelector.Parse("status.phase=Running,metadata.namespace==shop").Matches(pod));
        Assert.False(FieldSelector.Parse("status.phase!=Running").Matches(pod));
        Assert.True(FieldSelector.Parse("spec.hostNetwork=true,spec.priority=5").Matches(pod));
        Assert.True(FieldSelector.Parse("spec.schedulerName=").Matches(pod));
        Assert.True(FieldSelector.Parse(@"metadata.name!=web\,0").Matches(pod));
        Assert.True(FieldSelector.Parse("metadata.name=web-0").OnMetadata);
        Assert.False(FieldSelector.Parse("metadata.name=web-0,status.phase=Running").OnMetadata);
        Assert.Throws<FormatException>(() => FieldSelector.Parse("status.phase"));
        Assert.Throws<FormatException>(() => FieldSelector.Parse("status..phase=x"));
    }

    [Fact]
    public void Metadata_only_decoding_gives_the_same_metadata_as_the_whole_object()
    {
        var json = JsonNode.Parse("""
            {"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-0","namespace":"shop","uid":"u-1","labels":{"app":"web"},
             "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-1","uid":"u-rs","controller":true}]},
             "spec":{"containers":[{"name":"web","image":"nginx"}]},"status":{"phase":"Running"}}
            """)!.AsObject();
        var bytes = KubernetesProtobufCodec.Encode(json);
        var whole = KubernetesProtobufCodec.Decode(bytes);
        var metadataOnly = KubernetesProtobufCodec.DecodeMetadata(bytes);
        Assert.Equal(whole["metadata"]!.ToJsonString(), metadataOnly["metadata"]!.ToJsonString());
        Assert.Null(metadataOnly["spec"]);

        var filter = new ObjectFilter { Labels = LabelSelector.Parse("app=web"), OwnerName = "web-1" };
        Assert.True(filter.Matches(bytes, 7, "/registry/pods/shop/web-0"));
        Assert.False(new ObjectFilter { OwnerUid = "other" }.Matches(bytes, 7, null));
        Assert.True(new ObjectFilter { Fields = FieldSelector.Parse("status.phase=Running") }.Matches(bytes, 7, null));
        var notAnObject = new ObjectFilter { Labels = LabelSelector.Parse("app") };
        Assert.False(notAnObject.Matches("plain text"u8.ToArray(), 1, null));
        Assert.Equal(1, notAnObject.Undecodable);
    }
}
