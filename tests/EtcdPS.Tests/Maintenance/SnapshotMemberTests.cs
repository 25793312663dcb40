namespace EtcdPS.Tests.Maintenance;

/// <summary>Save-EtcdSnapshot -Endpoint picks a member like Invoke-EtcdDefragmentation -Endpoint: by name or client URL, in or outside the connection.</summary>
public sealed class SnapshotMemberTests(ClusterEtcdFixture etcd) : IClassFixture<ClusterEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("etcdps-snapmember-").FullName;

    public void Dispose()
    {
        _pwsh.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Endpoint_takes_a_member_name_or_url_outside_the_connection()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoints[0]}");
        var byName = Assert.Single(_pwsh.Run($"Save-EtcdSnapshot '{Path.Combine(_folder, "by-name.db")}' -Endpoint ETCD-2"));
        Assert.Equal(etcd.Endpoints[2], byName.Properties["Endpoint"].Value);
        Assert.Equal(new FileInfo(Path.Combine(_folder, "by-name.db")).Length, (long)byName.Properties["Size"].Value);

        var hostPort = new Uri(etcd.Endpoints[1]).Authority;
        var byHostPort = Assert.Single(_pwsh.Run($"Save-EtcdSnapshot '{Path.Combine(_folder, "by-url.db")}' -Endpoint {hostPort}"));
        Assert.Equal(etcd.Endpoints[1], byHostPort.Properties["Endpoint"].Value);
    }

    [Fact]
    public void Endpoint_that_is_no_member_names_the_members_and_writes_nothing()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoints[0]}");
        var path = Path.Combine(_folder, "none.db");
        foreach (var wanted in new[] { "etcd-9", "http://127.0.0.1:1" })
        {
            var result = _pwsh.Invoke($"Save-EtcdSnapshot '{path}' -Endpoint {wanted}");
            Assert.Equal("EtcdEndpointNotMember", result.FirstErrorId);
            var error = result.Errors[0];
            Assert.Equal(wanted, error.TargetObject);
            Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
            Assert.Contains($"etcd-1 {etcd.Endpoints[1]}", error.Exception.Message, StringComparison.Ordinal);
            Assert.Contains("Get-EtcdMember", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
            Assert.False(File.Exists(path) || File.Exists(path + ".part"));
        }
    }

    [Fact]
    public void Endpoint_completes_member_names_and_client_urls()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoints[0]}");
        const string line = "Save-EtcdSnapshot x.db -Endpoint ";
        var matches = _pwsh.Run($"(TabExpansion2 -inputScript '{line}' -cursorColumn {line.Length}).CompletionMatches.CompletionText")
            .Select(m => m.ToString()).ToArray();
        Assert.Equal(["etcd-0", "etcd-1", "etcd-2", .. etcd.Endpoints.Order(StringComparer.Ordinal)], matches.Order(StringComparer.Ordinal));
        const string named = "Save-EtcdSnapshot x.db -Endpoint etcd-";
        Assert.Equal(["etcd-0", "etcd-1", "etcd-2"],
            _pwsh.Run($"(TabExpansion2 -inputScript '{named}' -cursorColumn {named.Length}).CompletionMatches.CompletionText").Select(m => m.ToString()));
    }
}
