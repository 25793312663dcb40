using System.Text.Json.Nodes;
using EtcdPS.Engine.Kubernetes;

namespace EtcdPS.Tests.Kubernetes;

/// <summary>
/// -AsYaml prints what kubectl get -o yaml prints: the samples' .yaml files were written by sigs.k8s.io/yaml from the
/// same objects, and the cases below are go-yaml v2's known choices.
/// </summary>
public sealed class KubectlYamlTests
{
    /// <summary>Every .yaml sample of ../shared/k8s/samples with its .json; a marker case without ../shared.</summary>
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        var folder = RepoPaths.Shared is { } shared ? Path.Combine(shared, "k8s", "samples") : null;
        foreach (var yaml in folder is not null && Directory.Exists(folder) ? Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal) : Enumerable.Empty<string>())
        {
            data.Add(yaml);
        }

        if (data.Count == 0)
        {
            data.Add(string.Empty);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Sample_json_prints_as_its_yaml(string yamlPath)
    {
        if (yamlPath.Length == 0)
        {
            return; // no ../shared: KubectlYaml's own cases below still run.
        }

        var json = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(yamlPath, ".json")));
        Assert.Equal(File.ReadAllText(yamlPath), KubectlYaml.Write(json));
    }

    /// <summary>
    /// What ConvertFrom-EtcdValue -AsYaml prints for the stored bytes: the .pb decoded (removed fields included) and
    /// written as kubectl would, byte for byte the sample's .yaml.
    /// </summary>
    [Theory]
    [MemberData(nameof(Samples))]
    public void Stored_protobuf_prints_as_the_samples_yaml(string yamlPath)
    {
        if (yamlPath.Length == 0)
        {
            return;
        }

        var stored = File.ReadAllBytes(Path.ChangeExtension(yamlPath, ".pb"));
        var decoded = KubernetesValueDecoder.Decode(stored, 0, new DecodeOptions { ShowSecret = true });
        Assert.Equal(File.ReadAllText(yamlPath), KubectlYaml.Write(decoded.ToJsonNode()));
    }

    [Theory]
    [InlineData("""{"a":"yes"}""", "a: \"yes\"\n")]
    [InlineData("""{"a":"off"}""", "a: \"off\"\n")]
    [InlineData("""{"a":"0"}""", "a: \"0\"\n")]
    [InlineData("""{"a":"1.5"}""", "a: \"1.5\"\n")]
    [InlineData("""{"a":"0x1F"}""", "a: \"0x1F\"\n")]
    [InlineData("""{"a":"2024-01-02"}""", "a: \"2024-01-02\"\n")]
    [InlineData("""{"a":""}""", "a: \"\"\n")]
    [InlineData("""{"a":"null"}""", "a: \"null\"\n")]
    [InlineData("""{"a":"1:20"}""", "a: \"1:20\"\n")]
    [InlineData("""{"a":"- x"}""", "a: '- x'\n")]
    [InlineData("""{"a":"x: y"}""", "a: 'x: y'\n")]
    [InlineData("""{"a":"it's #1"}""", "a: 'it''s #1'\n")]
    [InlineData("""{"a":"it's"}""", "a: it's\n")]
    [InlineData("""{"a":"x #y"}""", "a: 'x #y'\n")]
    [InlineData("""{"a":" lead"}""", "a: ' lead'\n")]
    [InlineData("""{"a":"*star"}""", "a: '*star'\n")]
    [InlineData("""{"a":"tab\there"}""", "a: \"tab\\there\"\n")]
    [InlineData("""{"a":"line1\nline2"}""", "a: |-\n  line1\n  line2\n")]
    [InlineData("""{"a":"line1\n"}""", "a: |\n  line1\n")]
    [InlineData("""{"a":null,"b":true,"c":3,"d":2.5,"e":1e6,"f":{},"g":[]}""", "a: null\nb: true\nc: 3\nd: 2.5\ne: 1e+06\nf: {}\ng: []\n")]
    [InlineData("""{"b":1,"a10":1,"a9":1,"A":1,"_x":1}""", "_x: 1\nA: 1\na9: 1\na10: 1\nb: 1\n")]
    [InlineData("""{"l":[{"name":"a","v":[1,2]},"s"]}""", "l:\n- name: a\n  v:\n  - 1\n  - 2\n- s\n")]
    [InlineData("""{"l":[["a","b"]]}""", "l:\n- - a\n  - b\n")]
    [InlineData("""{"app.kubernetes.io/name":"web"}""", "app.kubernetes.io/name: web\n")]
    public void Scalars_and_collections_print_like_go_yaml(string json, string yaml) =>
        Assert.Equal(yaml, KubectlYaml.Write(JsonNode.Parse(json)));

    [Fact]
    public void Long_plain_text_folds_at_a_space_past_column_80()
    {
        var description = string.Join(' ', Enumerable.Repeat("word", 30));
        var yaml = KubectlYaml.Write(new JsonObject { ["spec"] = new JsonObject { ["description"] = description } });
        var lines = yaml.Split('\n');
        Assert.StartsWith("  description: word word", lines[1], StringComparison.Ordinal);
        Assert.True(lines[1].Length is > 80 and < 86, lines[1]);
        Assert.StartsWith("    word", lines[2], StringComparison.Ordinal);
        Assert.Equal(description, string.Join(' ', yaml.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Trim())).Replace("description: ", string.Empty, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1000000.0, "1e+06")]
    [InlineData(1234567.0, "1.234567e+06")]
    [InlineData(123456.0, "123456")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(-2.5, "-2.5")]
    public void Floats_print_like_strconv_g(double value, string expected) => Assert.Equal(expected, KubectlYaml.GoFloat(value));
}
