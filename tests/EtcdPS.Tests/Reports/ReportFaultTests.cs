using EtcdPS.Engine.Lab;

namespace EtcdPS.Tests.Reports;

/// <summary>Three members of its own: the test stops one.</summary>
public sealed class ReportFaultEtcdFixture : EtcdFixture
{
    internal override EtcdServerOptions CreateOptions() => new() { Members = 3 };
}

/// <summary>A report of a cluster with a member down is still written, and shows that member as not answering.</summary>
public sealed class ReportFaultTests(ReportFaultEtcdFixture etcd) : IClassFixture<ReportFaultEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("etcdps-report-fault-");

    public void Dispose()
    {
        _pwsh.Dispose();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public void A_member_that_is_down_is_reported_and_the_rest_of_the_report_is_written()
    {
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList}");
        etcd.Server.Kill(2);
        var path = Path.Combine(_folder.FullName, "report.html");
        var result = _pwsh.Invoke($"Export-EtcdReport '{path}' -SampleDuration 00:00:02");
        Assert.Empty(result.Errors);
        var report = Assert.Single(result.Output);
        Assert.True((int)report.Properties["Failed"].Value >= 1);
        var html = File.ReadAllText(path);
        Assert.Contains("did not answer", html, StringComparison.Ordinal);
        Assert.Contains("etcd-2 (", html, StringComparison.Ordinal);
        Assert.Contains("id=\"chart-treemap\"", html, StringComparison.Ordinal);
    }
}
