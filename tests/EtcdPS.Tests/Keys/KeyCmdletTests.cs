using System.Management.Automation;

namespace EtcdPS.Tests.Keys;

/// <summary>Get-EtcdKey, Search-EtcdKey, Measure-EtcdKey and Get-EtcdCustomResource as a user types them.</summary>
public sealed class KeyCmdletTests : IClassFixture<SingleEtcdFixture>, IDisposable
{
    private readonly SingleEtcdFixture _etcd;
    private readonly PwshSession _pwsh = new();
    private readonly KeyData _data;

    public KeyCmdletTests(SingleEtcdFixture etcd)
    {
        _etcd = etcd;
        _data = new KeyData(etcd.Endpoint);
        _pwsh.Run($"$c = Connect-Etcd {etcd.Endpoint} -PassThru");
    }

    public void Dispose()
    {
        _data.Dispose();
        _pwsh.Dispose();
    }

    private long Requests() => (long)_pwsh.Run("[EtcdPS.EtcdRangeStatistics]::GetRangeRequestCount($c)")[0].BaseObject;

    private static T Prop<T>(PSObject o, string name) => (T)o.Properties[name].Value;

    /// <summary>Pods in three namespaces, deployments, a CRD with instances, and non-Kubernetes keys, under a unique root.</summary>
    private string SeedCluster(string root)
    {
        var items = new List<(string, string)>();
        string[] namespaces = ["default", "kube-system", "team-a"];
        for (var i = 0; i < 60; i++)
        {
            items.Add(($"{root}/pods/{namespaces[i % 3]}/pod-{i:D3}", KeyData.Value(i, 300)));
        }

        for (var i = 0; i < 10; i++)
        {
            items.Add(($"{root}/deployments/{namespaces[i % 2]}/web-{i}", "\u006b8s\0" + KeyData.Value(i, 100)));
        }

        items.Add(($"{root}/namespaces/default", "{}"));
        items.Add(($"{root}/apiextensions.k8s.io/customresourcedefinitions/configmapapps.demo.mycompany.com",
            """{"kind":"CustomResourceDefinition","spec":{"group":"demo.mycompany.com","names":{"kind":"ConfigMapApp","plural":"configmapapps"},"scope":"Namespaced","versions":[{"name":"v1alpha1","storage":false},{"name":"v1","storage":true}]}}"""));
        items.Add(($"{root}/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com",
            """{"spec":{"group":"example.com","names":{"kind":"Widget","plural":"widgets"},"scope":"Cluster","version":"v1beta1"}}"""));
        for (var i = 0; i < 4; i++)
        {
            items.Add(($"{root}/demo.mycompany.com/configmapapps/{namespaces[i % 2]}/app-{i}", $$"""{"kind":"ConfigMapApp","n":{{i}}}"""));
        }

        items.Add(($"{root}/example.com/widgets/w1", """{"kind":"Widget"}"""));
        _data.PutMany(items);
        return root;
    }

    [Fact]
    public void Pods_group_by_namespace_with_the_right_counts()
    {
        SeedCluster("/k1");
        var pods = _pwsh.Run("Get-EtcdKey /k1/pods/ -Prefix -KubernetesPrefix /k1");
        Assert.Equal(60, pods.Count);
        Assert.All(pods, p => Assert.Equal("EtcdPS.EtcdKeyValue", p.TypeNames[0]));
        var byNamespace = pods.GroupBy(p => Prop<string>(p, "Namespace")).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["default"] = 20, ["kube-system"] = 20, ["team-a"] = 20 }, byNamespace);
        Assert.All(pods, p => Assert.Equal("pods", Prop<string>(p, "Resource")));
        var grouped = _pwsh.Run("Get-EtcdKey /k1/pods/ -Prefix -KubernetesPrefix /k1 | Group-Object Namespace | Sort-Object Name | ForEach-Object { \"$($_.Name)=$($_.Count)\" }");
        Assert.Equal(["default=20", "kube-system=20", "team-a=20"], grouped.Select(o => o.ToString()));
    }

    [Fact]
    public void Select_first_one_makes_one_range_request()
    {
        _data.PutMany(Enumerable.Range(0, 3000).Select(i => ($"/bigprefix/k{i:D5}", "v")));
        var before = Requests();
        var first = Assert.Single(_pwsh.Run("Get-EtcdKey /bigprefix/ -Prefix | Select-Object -First 1"));
        Assert.Equal("/bigprefix/k00000", Prop<string>(first, "Key"));
        Assert.Equal(1, Requests() - before);

        var verbose = _pwsh.Invoke("Get-EtcdKey /bigprefix/ -Prefix -CountOnly -Verbose").Verbose;
        Assert.Contains(verbose, v => v.StartsWith("Counted 3,000 keys at revision", StringComparison.Ordinal));
        before = Requests();
        Assert.Equal(3000, (int)_pwsh.Run("(Get-EtcdKey /bigprefix/ -Prefix | Measure-Object).Count")[0].BaseObject);
        Assert.True(Requests() - before > 1, "a full listing of 3,000 keys takes more than the first page");
    }

    [Fact]
    public void Keys_only_results_say_the_value_was_not_read_instead_of_empty()
    {
        _data.PutMany([("/notread/a", "some value"), ("/notread/empty", "")]);
        Assert.Equal(["NotRead", "NotRead"], _pwsh.Run("(Get-EtcdKey /notread/ -Prefix -KeysOnly).ValueKind").Select(k => k.ToString()));
        Assert.Equal(["NotRead", "NotRead"], _pwsh.Run("(Search-EtcdKey '/notread/*').ValueKind").Select(k => k.ToString()));
        // Read with values, an empty value is Empty and a text one Text.
        Assert.Equal(["Text", "Empty"], _pwsh.Run("(Get-EtcdKey /notread/ -Prefix).ValueKind").Select(k => k.ToString()));
        Assert.Equal(["Text"], _pwsh.Run("(Search-EtcdKey '*some*' -Prefix /notread/ -InValue).ValueKind").Select(k => k.ToString()));

        var table = (string)Assert.Single(_pwsh.Run("Get-EtcdKey /notread/a -KeysOnly | Out-String -Width 80")).BaseObject;
        Assert.Contains("NotRead", table, StringComparison.Ordinal);
        Assert.DoesNotContain("0 B", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_only_count_only_limit_and_sort()
    {
        var last = _data.PutMany(Enumerable.Range(0, 40).Select(i => ($"/opts/k{i:D2}", "value-" + i)));
        var keys = _pwsh.Run("Get-EtcdKey /opts/ -Prefix -KeysOnly");
        Assert.Equal(40, keys.Count);
        Assert.All(keys, k => Assert.Empty(Prop<byte[]>(k, "RawValue")));
        var before = Requests();
        Assert.Equal(40L, Assert.Single(_pwsh.Run("Get-EtcdKey /opts/ -Prefix -CountOnly")).BaseObject);
        Assert.Equal(1, Requests() - before);
        Assert.Equal(40, _pwsh.Run("Get-EtcdKey /opts/ -Prefix -Limit 0").Count);
        Assert.Equal(["/opts/k00", "/opts/k01", "/opts/k02"], _pwsh.Run("Get-EtcdKey /opts/ -Prefix -First 3").Select(k => Prop<string>(k, "Key")));
        var newest = Assert.Single(_pwsh.Run("Get-EtcdKey /opts/ -Prefix -SortBy ModRevision -SortOrder Descending -Limit 1"));
        Assert.Equal(last, Prop<long>(newest, "ModRevision"));
        Assert.Equal(["/opts/k05", "/opts/k06"], _pwsh.Run("Get-EtcdKey /opts/k05 -RangeEnd /opts/k07").Select(k => Prop<string>(k, "Key")));
        Assert.Equal(35, _pwsh.Run("Get-EtcdKey /opts/k05 -FromKey | Where-Object Key -like '/opts/*'").Count);
        Assert.Equal("value-7", Prop<string>(Assert.Single(_pwsh.Run("'/opts/k07' | Get-EtcdKey")), "Value"));
    }

    [Fact]
    public void Missing_key_is_silent_unless_strict()
    {
        var quiet = _pwsh.Invoke("Get-EtcdKey /does/not/exist");
        Assert.Empty(quiet.Output);
        Assert.Empty(quiet.Errors);
        var strict = _pwsh.Invoke("Get-EtcdKey /does/not/exist -Strict");
        Assert.Empty(strict.Output);
        Assert.Equal("EtcdKeyNotFound", strict.FirstErrorId);
        Assert.Equal("/does/not/exist", strict.Errors[0].TargetObject);
    }

    [Fact]
    public void A_regex_that_backtracks_forever_stops_with_an_error_record()
    {
        using var raw = new RawEtcd(_etcd.Endpoint);
        raw.Put("/regex-bomb/" + new string('a', 40) + "!", "v");
        var result = _pwsh.Invoke("Search-EtcdKey -Regex '^/regex-bomb/(a+)+$' -Prefix /regex-bomb/");
        Assert.Equal("EtcdRegexTimeout", result.FirstErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.OperationTimeout, result.Errors[0].CategoryInfo.Category);
        Assert.Contains("nested quantifiers", result.Errors[0].ErrorDetails?.RecommendedAction ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_input_gives_clear_errors()
    {
        Assert.Equal("AmbiguousParameterSet", _pwsh.Invoke("Get-EtcdKey /a -Prefix -RangeEnd /b").FirstErrorId);
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke("Get-EtcdKey /a -Prefix -KeysOnly -CountOnly").FirstErrorId);
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke("Get-EtcdKey ''").FirstErrorId);
        Assert.Equal("ParameterArgumentValidationError", _pwsh.Invoke("Get-EtcdKey /a -Limit -1").FirstErrorId);
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke("Search-EtcdKey -Regex '(unclosed'").FirstErrorId);
        var future = _pwsh.Invoke("Get-EtcdKey /a -Prefix -Revision 999999999");
        Assert.Equal("EtcdFutureRevision", future.FirstErrorId);
        Assert.Contains("current revision is", future.Errors[0].ToString());
    }

    [Fact]
    public void Binary_key_pipes_back_into_get_by_raw_key()
    {
        byte[] key = [.. "/binkey/"u8, 0xfe, 0x01];
        _data.Put(key, "payload"u8.ToArray());
        var again = Assert.Single(_pwsh.Run("Get-EtcdKey /binkey/ -Prefix | Get-EtcdKey"));
        Assert.Equal(key, Prop<byte[]>(again, "RawKey"));
        Assert.Equal("/binkey/\\xfe\\x01", Prop<string>(again, "Key"));
        Assert.Equal("payload", Prop<string>(again, "Value"));
        Assert.Equal("zero", Prop<string>(PutZero(), "Value"));
    }

    private PSObject PutZero()
    {
        _data.Put([0], "zero"u8.ToArray());
        return Assert.Single(_pwsh.Run("Get-EtcdKey \"`0\""));
    }

    [Fact]
    public void Keys_complete_on_tab()
    {
        _data.Put("/complete/alpha", "1");
        _data.Put("/complete/beta", "2");
        _data.Put("/complete/with space", "3");
        var script = "Get-EtcdKey /complete/a";
        var matches = _pwsh.Run($"(TabExpansion2 -inputScript '{script}' -cursorColumn {script.Length}).CompletionMatches.CompletionText");
        Assert.Equal(["/complete/alpha"], matches.Select(m => m.ToString()));
        script = "Measure-EtcdKey /complete/w";
        matches = _pwsh.Run($"(TabExpansion2 -inputScript '{script}' -cursorColumn {script.Length}).CompletionMatches.CompletionText");
        Assert.Equal(["'/complete/with space'"], matches.Select(m => m.ToString()));
    }

    [Fact]
    public void Table_view_shows_key_revision_size_and_kind()
    {
        _data.Put("/view/json", """{"a":1}""");
        var text = string.Join("\n", _pwsh.Run("Get-EtcdKey /view/ -Prefix | Format-Table | Out-String -Width 200").Select(o => o.ToString()));
        Assert.Matches(@"Key\s+ModRevision\s+Version\s+Size\s+ValueKind", text);
        Assert.Matches(@"/view/json\s+\d+\s+1\s+7 B\s+Json", text);
    }

    [Fact]
    public void Search_matches_names_keys_only_and_values_with_invalue()
    {
        SeedCluster("/k2");
        var before = Requests();
        var web = _pwsh.Run("Search-EtcdKey '*/web-*' -Prefix /k2/");
        Assert.Equal(10, web.Count);
        Assert.All(web, k => Assert.Empty(Prop<byte[]>(k, "RawValue")));
        Assert.Equal(["/k2/pods/default/pod-000"], _pwsh.Run("Search-EtcdKey -Regex 'pod-000$' -Prefix /k2/").Select(k => Prop<string>(k, "Key")));
        Assert.Empty(_pwsh.Run("Search-EtcdKey '*\"n\":3*' -Prefix /k2/"));
        var inValue = _pwsh.Run("Search-EtcdKey '*\"n\":3*' -Prefix /k2/ -InValue");
        Assert.Equal("/k2/demo.mycompany.com/configmapapps/kube-system/app-3", Prop<string>(Assert.Single(inValue), "Key"));
        Assert.NotEmpty(Prop<byte[]>(inValue[0], "RawValue"));
        Assert.True(Requests() > before);
    }

    [Fact]
    public void Measure_by_resource_namespace_group_and_prefix()
    {
        SeedCluster("/k3");
        var byResource = _pwsh.Run("Measure-EtcdKey /k3/ -KubernetesPrefix /k3").Select(Stat.From).ToArray();
        var pods = Assert.Single(byResource, s => s.Name == "pods");
        Assert.Equal(60, pods.Count);
        Assert.Equal(60 * 300, pods.ValueBytes);
        Assert.Equal(byResource[0], byResource.MaxBy(s => s.Bytes));
        Assert.Equal(10, Assert.Single(byResource, s => s.Name == "deployments.apps").Count);
        Assert.Equal(4, Assert.Single(byResource, s => s.Name == "configmapapps.demo.mycompany.com").Count);
        Assert.Equal(100.0, byResource.Sum(s => s.Percent), 1);

        var before = Requests();
        var counted = _pwsh.Run("Measure-EtcdKey /k3/ -KubernetesPrefix /k3 -CountOnly").Select(Stat.From).ToArray();
        var requests = Requests() - before;
        Assert.Equal(byResource.Select(s => (s.Name, s.Count)).OrderBy(x => x.Name), counted.Select(s => (s.Name, s.Count)).OrderBy(x => x.Name));
        Assert.All(counted, s => Assert.Equal(0, s.Bytes));
        Assert.True(requests <= 2 * counted.Length + 1, $"count-only used {requests} requests for {counted.Length} groups");

        var byNamespace = _pwsh.Run("Measure-EtcdKey /k3/ -KubernetesPrefix /k3 -By Namespace -CountOnly").ToDictionary(o => Prop<string>(o, "Name"), o => Prop<long>(o, "Count"));
        Assert.Equal(20 + 5 + 2, byNamespace["default"]);
        Assert.Equal(20, byNamespace["team-a"]);
        Assert.Equal(1 + 2 + 1, byNamespace["(cluster)"]);
        var byGroup = _pwsh.Run("Measure-EtcdKey /k3/ -KubernetesPrefix /k3 -By Group").ToDictionary(o => Prop<string>(o, "Name"), o => Prop<long>(o, "Count"));
        Assert.Equal(61, byGroup["core"]);
        Assert.Equal(10, byGroup["apps"]);
        var byPrefix = _pwsh.Run("Measure-EtcdKey /k3/ -By Prefix -Depth 3 -CountOnly").ToDictionary(o => Prop<string>(o, "Name"), o => Prop<long>(o, "Count"));
        Assert.Equal(20, byPrefix["/k3/pods/team-a/"]);
    }

    [Fact]
    public void Custom_resources_and_their_instances()
    {
        SeedCluster("/k4");
        var crds = _pwsh.Run("Get-EtcdCustomResource -KubernetesPrefix /k4").Select(Crd.From).ToArray();
        Assert.Equal(2, crds.Length);
        var apps = Assert.Single(crds, c => c.Kind == "ConfigMapApp");
        Assert.Equal(("configmapapps.demo.mycompany.com", "demo.mycompany.com", "configmapapps", "Namespaced", 4L), (apps.Name, apps.Group, apps.Plural, apps.Scope, apps.Count));
        Assert.Equal(["v1alpha1", "v1"], apps.Versions);
        Assert.Equal("v1", apps.StorageVersion);
        var widgets = Assert.Single(crds, c => c.Kind == "Widget");
        Assert.Equal(("Cluster", "v1beta1", 1L), (widgets.Scope, widgets.StorageVersion, widgets.Count));

        var instances = _pwsh.Run("Get-EtcdCustomResource -KubernetesPrefix /k4 -Name ConfigMapApp");
        Assert.Equal(4, instances.Count);
        Assert.All(instances, i => Assert.Equal("demo.mycompany.com", Prop<string>(i, "Group")));
        Assert.Equal(2, _pwsh.Run("Get-EtcdCustomResource -KubernetesPrefix /k4 -Name configmapapps -Namespace default").Count);
        var widget = Assert.Single(_pwsh.Run("Get-EtcdCustomResource -KubernetesPrefix /k4 -Group example.com"));
        Assert.Equal(("", "w1"), (Prop<string>(widget, "Namespace"), Prop<string>(widget, "Name")));
        var piped = _pwsh.Run("Get-EtcdCustomResource -KubernetesPrefix /k4 | Where-Object Kind -eq Widget | Get-EtcdCustomResource -KubernetesPrefix /k4");
        Assert.Equal("/k4/example.com/widgets/w1", Prop<string>(Assert.Single(piped), "Key"));
    }

    private sealed record Stat(string Name, long Count, long KeyBytes, long ValueBytes, long Bytes, double Percent)
    {
        public static Stat From(PSObject o) => new(Prop<string>(o, "Name"), Prop<long>(o, "Count"), Prop<long>(o, "KeyBytes"),
            Prop<long>(o, "ValueBytes"), Prop<long>(o, "Bytes"), Prop<double>(o, "Percent"));
    }

    private sealed record Crd(string Name, string Group, string Kind, string Plural, string Scope, IReadOnlyList<string> Versions, string StorageVersion, long Count)
    {
        public static Crd From(PSObject o) => new(Prop<string>(o, "Name"), Prop<string>(o, "Group"), Prop<string>(o, "Kind"),
            Prop<string>(o, "Plural"), Prop<string>(o, "Scope"), Prop<IReadOnlyList<string>>(o, "Versions"), Prop<string>(o, "StorageVersion"), Prop<long>(o, "Count"));
    }

    [Fact]
    public void Compacted_revision_names_the_oldest_available()
    {
        var old = _data.Put("/compact-cmdlet/key", "1");
        var current = _data.Put("/compact-cmdlet/key", "2");
        _data.Compact(current);
        var result = _pwsh.Invoke($"Get-EtcdKey /compact-cmdlet/ -Prefix -Revision {old}");
        Assert.Equal("EtcdRevisionCompacted", result.FirstErrorId);
        Assert.Contains($"oldest available is {current}", result.Errors[0].ToString());
    }
}
