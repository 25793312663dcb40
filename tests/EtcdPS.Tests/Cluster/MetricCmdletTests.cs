using System.Net;
using System.Net.Sockets;

namespace EtcdPS.Tests.Cluster;

/// <summary>Get-EtcdMetric against a real 3-member cluster: every member's histogram, unreachable and wrong metrics URLs.</summary>
public sealed class ClusterMetricTests(ClusterEtcdFixture etcd) : IClassFixture<ClusterEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void Wal_fsync_of_every_member_is_one_histogram_with_p99()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}; 1..20 | ForEach-Object {{ Set-EtcdKey /metric-test/$_ v }}");
        var histograms = _pwsh.Run("Get-EtcdMetric etcd_disk_wal_fsync_duration_seconds -Cluster");
        Assert.Equal(3, histograms.Count);
        Assert.All(histograms, h => Assert.Equal("EtcdPS.EtcdHistogram", h.BaseObject.GetType().FullName));
        Assert.Equal(["etcd-0", "etcd-1", "etcd-2"], histograms.Select(h => (string)h.Properties["Member"].Value).Order());
        Assert.All(histograms, h => Assert.True((double)h.Properties["P99"].Value > 0, "every member fsynced the 20 puts"));
        Assert.All(histograms, h => Assert.True((double)h.Properties["Count"].Value >= 20));
    }

    [Fact]
    public void Wildcards_select_metrics_and_plain_samples_carry_labels()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}");
        var hasLeader = Assert.Single(_pwsh.Run("Get-EtcdMetric etcd_server_has_lead*"));
        Assert.Equal(1d, hasLeader.Properties["Value"].Value);
        Assert.Equal("gauge", hasLeader.Properties["Type"].Value);
        Assert.Equal("etcd-0", hasLeader.Properties["Member"].Value);
        Assert.Matches("^3\\.", (string)Assert.Single(_pwsh.Run("(Get-EtcdMetric etcd_server_version).Labels.server_version")).BaseObject);
        Assert.Empty(_pwsh.Run("Get-EtcdMetric no_such_metric_*"));
        var formatted = string.Join("\n", _pwsh.Run("Get-EtcdMetric etcd_disk_wal_fsync_duration_seconds, etcd_server_has_leader | Out-String -Width 80 -Stream"));
        Assert.Contains("P99", formatted, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_member_is_a_non_terminating_error_and_the_rest_are_reported()
    {
        var freePort = FreePort();
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}");
        var result = _pwsh.Invoke($"Get-EtcdMetric etcd_server_has_leader -MetricsUrl http://127.0.0.1:{freePort}, {etcd.Endpoints[1]}");
        Assert.Equal("EtcdMetricsUnavailable", result.FirstErrorId);
        Assert.Contains($"127.0.0.1:{freePort}", result.Errors[0].Exception.Message, StringComparison.Ordinal);
        Assert.Contains("-MetricsUrl", result.Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal("etcd-1", Assert.Single(result.Output).Properties["Member"].Value);
    }

    [Fact]
    public void Text_that_is_not_metrics_and_a_missing_page_are_told_apart()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}");
        var json = _pwsh.Invoke($"Get-EtcdMetric -MetricsUrl {etcd.Endpoint}/version");
        Assert.Equal("EtcdMetricsNotParsable", json.FirstErrorId);
        Assert.Contains("line 1", json.Errors[0].Exception.Message, StringComparison.Ordinal);
        var missing = _pwsh.Invoke($"Get-EtcdMetric -MetricsUrl {etcd.Endpoint}/no-metrics-here");
        Assert.Equal("EtcdMetricsUnavailable", missing.FirstErrorId);
        Assert.Contains("404", missing.Errors[0].Exception.Message, StringComparison.Ordinal);
        var bad = _pwsh.Invoke("Get-EtcdMetric -MetricsUrl ftp://127.0.0.1/x");
        Assert.Equal("EtcdInvalidArgument", bad.FirstErrorId);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>Get-EtcdMetric on a member that serves https and requires a client certificate: the connection's certificates are used.</summary>
public sealed class TlsMetricTests(TlsEtcdFixture etcd) : IClassFixture<TlsEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void Metrics_of_a_tls_member_are_read_with_the_connection_certificates()
    {
        var pki = etcd.Pki;
        _pwsh.Run($"Connect-Etcd -Endpoint {etcd.Endpoint} -CaCertPath '{pki.CaPath}' -CertPath '{pki.ClientCertPath}' -KeyPath '{pki.ClientKeyPath}'");
        var metric = Assert.Single(_pwsh.Run("Get-EtcdMetric etcd_server_has_leader"));
        Assert.Equal(1d, metric.Properties["Value"].Value);
        Assert.StartsWith("https://", (string)metric.Properties["Endpoint"].Value, StringComparison.Ordinal);
    }
}
