using System.Text.Json.Nodes;
using EtcdPS.Engine.Kubernetes;
using EtcdPS.Engine.Watch;

namespace EtcdPS.Tests.Kubernetes;

/// <summary>The one field-level diff: paths, lists merged by key, ignored fields, masked secrets.</summary>
public sealed class ObjectDiffTests
{
    [Fact]
    public void Changed_scalars_are_named_by_json_path_and_containers_by_name()
    {
        var older = KubernetesTestObjects.Deployment(3);
        var newer = KubernetesTestObjects.Deployment(5);
        newer["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "nginx:1.28";
        newer["metadata"]!["generation"] = 5;
        var changes = ObjectDiff.Compare(older, newer, DiffOptions.Default).Select(c => c.ToString()).ToArray();
        Assert.Contains("spec.replicas: 3 → 5", changes);
        Assert.Contains("spec.template.spec.containers[nginx].image: nginx:1.27 → nginx:1.28", changes);
        Assert.Contains("status.readyReplicas: 2 → 4", changes);
        Assert.DoesNotContain(changes, c => c.StartsWith("metadata.generation", StringComparison.Ordinal));
    }

    [Fact]
    public void List_items_merged_by_name_match_whatever_their_order_and_report_added_and_removed_items()
    {
        var older = new JsonObject { ["env"] = new JsonArray(Env("A", "1"), Env("B", "2")) };
        var newer = new JsonObject { ["env"] = new JsonArray(Env("C", "3"), Env("A", "1")) };
        var changes = ObjectDiff.Compare(older, newer, DiffOptions.Default);
        Assert.Equal(["env[B]: - {\"name\":\"B\",\"value\":\"2\"}", "env[C]: + {\"name\":\"C\",\"value\":\"3\"}"], changes.Select(c => c.ToString()));
        Assert.Equal(EtcdFieldChangeType.Removed, changes[0].Change);
        Assert.Equal(EtcdFieldChangeType.Added, changes[1].Change);
    }

    [Fact]
    public void Conditions_match_by_type_and_plain_lists_compare_whole_and_odd_keys_are_quoted()
    {
        var older = new JsonObject
        {
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "False" }),
            ["args"] = new JsonArray("a", "b"),
            ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = "web" },
        };
        var newer = new JsonObject
        {
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
            ["args"] = new JsonArray("a", "c"),
            ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = "shop" },
        };
        Assert.Equal(
            ["conditions[Ready].status: False → True", "args: [\"a\",\"b\"] → [\"a\",\"c\"]", "labels['app.kubernetes.io/name']: web → shop"],
            ObjectDiff.Compare(older, newer, DiffOptions.Default).Select(c => c.ToString()));
    }

    [Fact]
    public void Ignored_fields_cover_everything_below_them_and_accept_wildcards()
    {
        var older = KubernetesTestObjects.Deployment(3);
        var newer = KubernetesTestObjects.Deployment(5);
        var options = DiffOptions.From(["status", "spec.template.spec.containers[*].image"], showSecret: false);
        newer["spec"]!["template"]!["spec"]!["containers"]![0]!["image"] = "nginx:1.28";
        Assert.Equal(["spec.replicas: 3 → 5"], ObjectDiff.Compare(older, newer, options).Select(c => c.ToString()));
        Assert.Empty(ObjectDiff.Compare(older, KubernetesTestObjects.Deployment(3), DiffOptions.Default));
    }

    [Fact]
    public void Secret_data_is_masked_but_still_shown_as_changed_unless_asked_for()
    {
        var older = KubernetesTestObjects.Secret();
        var newer = KubernetesTestObjects.Secret();
        newer["data"]!["password"] = Convert.ToBase64String("new-secret-value"u8.ToArray());
        newer["data"]!["user"] = "YWRtaW4=";
        var masked = ObjectDiff.Compare(older, newer, DiffOptions.Default);
        Assert.Equal(["data.password: ***** → *****", "data.user: + *****"], masked.Select(c => c.ToString()));
        Assert.DoesNotContain(masked, c => (c.OldValue + c.NewValue).Contains("aHVudGVy", StringComparison.Ordinal));
        var shown = ObjectDiff.Compare(older, newer, DiffOptions.From(null, showSecret: true));
        Assert.Equal("YWRtaW4=", shown[1].NewValue);
    }

    [Fact]
    public void Protobuf_values_are_decoded_and_compared_field_by_field_and_a_creation_names_the_object()
    {
        var older = KubernetesProtobufCodec.Encode(KubernetesTestObjects.Deployment(3));
        var newer = KubernetesProtobufCodec.Encode(KubernetesTestObjects.Deployment(4));
        var diff = ValueDiff.Compare(older, newer, "/registry/deployments/shop/web", DiffOptions.Default);
        Assert.Contains("spec.replicas: 3 → 4", diff.Lines);
        Assert.NotNull(diff.Changes);
        Assert.Equal(["+ Deployment shop/web"], ValueDiff.Compare(null, newer, "/registry/deployments/shop/web", DiffOptions.Default).Lines);
        Assert.Equal(["- Deployment shop/web"], ValueDiff.Compare(older, [], "/registry/deployments/shop/web", DiffOptions.Default).Lines);
        var raw = ValueDiff.Compare(older, newer, "/registry/deployments/shop/web", DiffOptions.Default with { Raw = true });
        Assert.Null(raw.Changes);
        Assert.Equal(2, raw.Lines.Length);
    }

    private static JsonObject Env(string name, string value) => new() { ["name"] = name, ["value"] = value };
}
