using System.Text;
using System.Text.Json.Nodes;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Tests.Kubernetes;

public sealed class KubernetesCodecTests
{
    [Fact]
    public void ConfigMap_round_trips_to_the_same_json_text()
    {
        var configMap = KubernetesTestObjects.ConfigMap();
        var bytes = KubernetesProtobufCodec.Encode(configMap);
        var decoded = KubernetesProtobufCodec.Decode(bytes);
        // Map keys come back sorted, as the API server writes them; everything else in the same order.
        var expected = KubernetesTestObjects.ConfigMap();
        expected["data"] = new JsonObject { ["a.conf"] = "first=1\n", ["z.conf"] = "last=1" };
        Assert.Equal(expected.ToJsonString(), decoded.ToJsonString());
    }

    [Fact]
    public void Encoding_writes_the_envelope_the_api_server_writes()
    {
        var bytes = KubernetesProtobufCodec.Encode(KubernetesTestObjects.ConfigMap());
        Assert.Equal("k8s\0"u8.ToArray(), bytes[..4]);
        // Unknown.typeMeta {1: "v1", 2: "ConfigMap"} first, empty contentEncoding and contentType last.
        Assert.Equal(new byte[] { 0x0a, 0x0f, 0x0a, 0x02, (byte)'v', (byte)'1', 0x12, 0x09 }, bytes[4..12]);
        Assert.Equal(new byte[] { 0x1a, 0x00, 0x22, 0x00 }, bytes[^4..]);
        var (apiVersion, kind, _, _) = KubernetesProtobufCodec.ReadEnvelope(bytes, out var raw);
        Assert.Equal(("v1", "ConfigMap"), (apiVersion, kind));
        Assert.Equal(bytes.Length - 4 - 17 - 3 - 4, raw.Length);
    }

    [Fact]
    public void Deployment_decodes_special_types_and_go_defaults()
    {
        var decoded = KubernetesProtobufCodec.Decode(KubernetesProtobufCodec.Encode(KubernetesTestObjects.Deployment(5)));
        var spec = decoded["spec"]!;
        Assert.Equal(5, spec["replicas"]!.GetValue<int>());
        Assert.Equal("25%", spec["strategy"]!["rollingUpdate"]!["maxSurge"]!.GetValue<string>());
        Assert.Equal(1, spec["strategy"]!["rollingUpdate"]!["maxUnavailable"]!.GetValue<int>());
        var container = spec["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("500m", container["resources"]!["limits"]!["cpu"]!.GetValue<string>());
        Assert.Equal("http", container["readinessProbe"]!["httpGet"]!["port"]!.GetValue<string>());
        Assert.Equal("/healthz", container["readinessProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        // Go's encoding/json: a zero creationTimestamp is omitted (omitzero), an empty struct is {}.
        Assert.False(spec["template"]!["metadata"]!.AsObject().ContainsKey("creationTimestamp"));
        Assert.Equal("2025-01-02T03:04:05Z", decoded["metadata"]!["creationTimestamp"]!.GetValue<string>());
        Assert.Equal("2025-01-02T03:05:00Z", decoded["status"]!["conditions"]![0]!["lastTransitionTime"]!.GetValue<string>());
        // Non-pointer containers field without omitempty present; pointer fields absent stay absent.
        Assert.False(spec.AsObject().ContainsKey("revisionHistoryLimit"));
        Assert.Equal(["kind", "apiVersion", "metadata", "spec", "status"], decoded.Select(p => p.Key).ToArray());
    }

    [Fact]
    public void Decode_then_encode_is_stable()
    {
        var first = KubernetesProtobufCodec.Encode(KubernetesTestObjects.Deployment());
        var again = KubernetesProtobufCodec.Encode(KubernetesProtobufCodec.Decode(first));
        Assert.Equal(first, again);
        var pod = KubernetesProtobufCodec.Encode(KubernetesTestObjects.Pod(3));
        Assert.Equal(pod, KubernetesProtobufCodec.Encode(KubernetesProtobufCodec.Decode(pod)));
    }

    [Fact]
    public void Every_kind_in_the_table_decodes_its_zero_value_and_round_trips()
    {
        var table = FieldTable.Default;
        Assert.True(table.KindCount > 150, $"only {table.KindCount} kinds in the embedded table");
        foreach (var (apiVersion, kind) in table.Kinds)
        {
            var zero = KubernetesProtobufCodec.Decode(Envelope(apiVersion, kind, []));
            Assert.Equal(kind, zero["kind"]!.GetValue<string>());
            Assert.Equal("{}", zero["metadata"]!.ToJsonString());
            var bytes = KubernetesProtobufCodec.Encode(zero);
            // A removed kind is written as its last serving version did, with the non-pointer fields it had (e.g.
            // ObjectMeta.clusterName before 1.25), which decoding then shows: only served kinds keep the same JSON.
            if (table.LastMinorOf(apiVersion, kind) == FieldTable.Head)
            {
                Assert.Equal(zero.ToJsonString(), KubernetesProtobufCodec.Decode(bytes).ToJsonString());
            }

            Assert.Equal(bytes, KubernetesProtobufCodec.Encode(KubernetesProtobufCodec.Decode(bytes)));
        }
    }

    [Fact]
    public void Packed_repeated_numbers_are_read_like_unpacked_ones()
    {
        var pod = KubernetesTestObjects.Pod(1);
        pod["spec"]!["securityContext"] = new JsonObject { ["supplementalGroups"] = new JsonArray(1000, 2000, 3000, 4000) };
        var unpacked = KubernetesProtobufCodec.Encode(pod);
        var groupsField = FieldTable.Default.Message("k8s.io.api.core.v1.PodSecurityContext")!.Fields.Single(f => f.JsonName == "supplementalGroups").Number;
        var unpackedGroups = new ProtoWriter();
        var packedGroups = new ProtoWriter();
        var payload = new ProtoWriter();
        foreach (var g in new ulong[] { 1000, 2000, 3000, 4000 })
        {
            unpackedGroups.Tag(groupsField, WireType.Varint);
            unpackedGroups.Varint(g);
            payload.Varint(g);
        }

        packedGroups.Tag(groupsField, WireType.LengthDelimited);
        packedGroups.Bytes(payload.ToArray());
        var from = unpackedGroups.ToArray();
        var to = packedGroups.ToArray();
        var index = unpacked.AsSpan().IndexOf(from);
        Assert.True(index > 0);
        // Packed is 2 bytes shorter; field 15 (not in PodSecurityContext, so skipped) = 0 fills the gap and keeps
        // every enclosing length prefix valid.
        Assert.Equal(from.Length - 2, to.Length);
        var packed = unpacked[..index].Concat(to).Concat(new byte[] { 0x78, 0x00 }).Concat(unpacked[(index + from.Length)..]).ToArray();
        var securityContext = KubernetesProtobufCodec.Decode(packed)["spec"]!["securityContext"]!;
        Assert.Equal("[1000,2000,3000,4000]", securityContext["supplementalGroups"]!.ToJsonString());
    }

    [Fact]
    public void Crd_schema_special_forms_round_trip()
    {
        var schema = JsonNode.Parse("""
            {"type":"object","x-kubernetes-preserve-unknown-fields":true,
             "properties":{
               "size":{"type":"integer","maximum":10.5,"default":3},
               "mode":{"type":"string","enum":["a","b"]},
               "tags":{"type":"array","items":{"type":"string"}},
               "extra":{"type":"object","additionalProperties":false},
               "labels":{"type":"object","additionalProperties":{"type":"string"}},
               "link":{"$ref":"#/definitions/x"}}}
            """)!;
        var crd = new JsonObject
        {
            ["kind"] = "CustomResourceDefinition",
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = "widgets.example.com" },
            ["spec"] = new JsonObject
            {
                ["group"] = "example.com",
                ["names"] = new JsonObject { ["plural"] = "widgets", ["kind"] = "Widget" },
                ["scope"] = "Namespaced",
                ["versions"] = new JsonArray(new JsonObject
                {
                    ["name"] = "v1", ["served"] = true, ["storage"] = true,
                    ["schema"] = new JsonObject { ["openAPIV3Schema"] = schema },
                }),
            },
        };
        var bytes = KubernetesProtobufCodec.Encode(crd);
        var decoded = KubernetesProtobufCodec.Decode(bytes);
        var props = decoded["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
        Assert.True(props["x-kubernetes-preserve-unknown-fields"]!.GetValue<bool>());
        Assert.Equal(10.5, props["properties"]!["size"]!["maximum"]!.GetValue<double>());
        Assert.Equal("3", props["properties"]!["size"]!["default"]!.ToJsonString());
        Assert.Equal("[\"a\",\"b\"]", props["properties"]!["mode"]!["enum"]!.ToJsonString());
        Assert.Equal("string", props["properties"]!["tags"]!["items"]!["type"]!.GetValue<string>());
        Assert.False(props["properties"]!["extra"]!["additionalProperties"]!.GetValue<bool>());
        Assert.Equal("string", props["properties"]!["labels"]!["additionalProperties"]!["type"]!.GetValue<string>());
        Assert.Equal("#/definitions/x", props["properties"]!["link"]!["$ref"]!.GetValue<string>());
        Assert.Equal(bytes, KubernetesProtobufCodec.Encode(decoded));
    }

    [Fact]
    public void Pointer_zero_is_written_and_null_pointer_without_omitempty_is_null()
    {
        var deployment = KubernetesTestObjects.Deployment(0);
        deployment["spec"]!.AsObject().Remove("selector");
        var decoded = KubernetesProtobufCodec.Decode(KubernetesProtobufCodec.Encode(deployment));
        Assert.Equal(0, decoded["spec"]!["replicas"]!.GetValue<int>());
        Assert.True(decoded["spec"]!.AsObject().ContainsKey("selector"));
        Assert.Null(decoded["spec"]!["selector"]);
    }

    [Fact]
    public void Fields_missing_from_the_table_are_skipped()
    {
        var bytes = KubernetesProtobufCodec.Encode(KubernetesTestObjects.ConfigMap());
        KubernetesProtobufCodec.ReadEnvelope(bytes, out var raw);
        var extended = raw.ToArray().Concat(new byte[] { 0xf8, 0x06, 0x2a, 0xa2, 0x07, 0x02, 0x68, 0x69 }).ToArray(); // field 111 varint, field 116 "hi"
        var decoded = KubernetesProtobufCodec.Decode(Envelope("v1", "ConfigMap", extended));
        Assert.Equal(KubernetesProtobufCodec.Decode(bytes).ToJsonString(), decoded.ToJsonString());
    }

    [Fact]
    public void Unknown_kind_shows_metadata_and_raw_field_numbers()
    {
        var meta = new ProtoWriter();
        meta.Tag(1, WireType.LengthDelimited);
        meta.Bytes("gadget-1"u8);
        var raw = new ProtoWriter();
        raw.Tag(1, WireType.LengthDelimited);
        raw.Bytes(meta.ToArray());
        raw.Tag(2, WireType.LengthDelimited);
        raw.Bytes("hello"u8);
        raw.Tag(3, WireType.Varint);
        raw.Varint(7);
        raw.Tag(3, WireType.Varint);
        raw.Varint(8);
        var decoded = KubernetesProtobufCodec.Decode(Envelope("example.com/v1", "Gadget", raw.ToArray()));
        Assert.Equal("Gadget", decoded["kind"]!.GetValue<string>());
        Assert.Equal("gadget-1", decoded["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal("hello", decoded["2"]!.GetValue<string>());
        Assert.Equal("[7,8]", decoded["3"]!.ToJsonString());
    }

    [Theory]
    [InlineData(new byte[0], "magic")]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0x01, 0x0a, 0x00 }, "magic")]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0x00 }, "neither")]
    [InlineData(new byte[] { 0x6b, 0x38, 0x73, 0x00, 0x0a, 0x20, 0x0a }, "truncated")]
    public void Malformed_values_fail_with_a_clear_message(byte[] value, string expected)
    {
        var ex = Assert.Throws<ProtoFormatException>(() => KubernetesProtobufCodec.Decode(value));
        Assert.Contains(expected, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Truncated_value_fails_at_every_cut()
    {
        var bytes = KubernetesProtobufCodec.Encode(KubernetesTestObjects.Deployment());
        var failures = 0;
        for (var cut = 5; cut < bytes.Length - 4; cut += 7)
        {
            try
            {
                KubernetesProtobufCodec.Decode(bytes.AsSpan(0, cut));
            }
            catch (ProtoFormatException)
            {
                failures++;
            }
        }

        // A cut can land exactly between fields of the envelope; almost every other cut must be reported.
        Assert.True(failures >= (bytes.Length - 9) / 7 - 2, $"only {failures} truncations were reported");
    }

    [Fact]
    public void Garbage_after_the_envelope_is_reported()
    {
        var bytes = KubernetesProtobufCodec.Encode(KubernetesTestObjects.ConfigMap()).Concat(new byte[] { 0xff, 0xff, 0xff }).ToArray();
        Assert.Throws<ProtoFormatException>(() => KubernetesProtobufCodec.Decode(bytes));
    }

    [Fact]
    public void Deep_nesting_stops_at_the_depth_limit_without_overflowing_the_stack()
    {
        // JSONSchemaProps.not is itself a JSONSchemaProps: nest it 5000 times inside a CRD's schema.
        var table = FieldTable.Default;
        var props = table.Message("k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps")!;
        var not = props.Fields.Single(f => f.JsonName == "not").Number;
        byte[] inner = [];
        for (var i = 0; i < 5000; i++)
        {
            var w = new ProtoWriter(inner.Length + 8);
            w.Tag(not, WireType.LengthDelimited);
            w.Bytes(inner);
            inner = w.ToArray();
        }

        var validation = Message(1, inner); // CustomResourceValidation.openAPIV3Schema
        var version = Concat(Message(1, "v1"u8.ToArray()), Message(4, validation)); // name, schema
        var spec = Message(7, version); // CustomResourceDefinitionSpec.versions
        var crd = Message(2, spec);
        var ex = Assert.Throws<ProtoFormatException>(() =>
            KubernetesProtobufCodec.Decode(Envelope("apiextensions.k8s.io/v1", "CustomResourceDefinition", crd)));
        Assert.Contains("depth limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encoding_an_unknown_kind_or_a_wrong_type_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => KubernetesProtobufCodec.Encode(new JsonObject { ["kind"] = "Nope", ["apiVersion"] = "v9" }));
        Assert.Throws<ArgumentException>(() => KubernetesProtobufCodec.Encode(new JsonObject { ["kind"] = 5, ["apiVersion"] = "v1" }));
        Assert.Throws<ArgumentException>(() => KubernetesProtobufCodec.Encode(new JsonObject { ["apiVersion"] = "v1" }));
        var bad = KubernetesTestObjects.ConfigMap();
        bad["metadata"]!["finalizers"] = "not-an-array";
        Assert.Throws<ArgumentException>(() => KubernetesProtobufCodec.Encode(bad));
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(300_000_000L, "300ms")]
    [InlineData(1_500L, "1.5µs")]
    [InlineData(999L, "999ns")]
    [InlineData(3_723_500_000_000L, "1h2m3.5s")]
    [InlineData(3_600_000_000_000L, "1h0m0s")]
    [InlineData(-90_000_000_000L, "-1m30s")]
    public void Durations_use_go_syntax_both_ways(long nanos, string text)
    {
        Assert.Equal(text, GoFormats.FormatDuration(nanos));
        Assert.Equal(nanos, GoFormats.ParseDuration(text));
    }

    [Fact]
    public void Times_are_rfc3339_utc()
    {
        Assert.Equal("2008-01-01T01:01:01Z", GoFormats.FormatTime(1199149261));
        Assert.Equal("2008-01-01T01:01:01.123456Z", GoFormats.FormatMicroTime(1199149261, 123456789));
        Assert.Equal((1199149261L, 0), GoFormats.ParseTime("2008-01-01T02:01:01+01:00"));
    }

    internal static byte[] Envelope(string apiVersion, string kind, byte[] raw)
    {
        var typeMeta = Concat(Message(1, Encoding.UTF8.GetBytes(apiVersion)), Message(2, Encoding.UTF8.GetBytes(kind)));
        return Concat("k8s\0"u8.ToArray(), Message(1, typeMeta), Message(2, raw), Message(3, []), Message(4, []));
    }

    private static byte[] Message(int field, byte[] body)
    {
        var w = new ProtoWriter(body.Length + 8);
        w.Tag(field, WireType.LengthDelimited);
        w.Bytes(body);
        return w.ToArray();
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
