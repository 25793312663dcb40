using System.Management.Automation;
using System.Text.RegularExpressions;

namespace EtcdPS.Tests.Reports;

/// <summary>A seeded 3-member lab with background activity, started once for the report tests.</summary>
public sealed class ReportLabFixture : IDisposable
{
    private readonly PwshSession _pwsh = new();

    public ReportLabFixture()
    {
        try
        {
            var lab = Assert.Single(_pwsh.Run("Start-EtcdLab -Members 3 -Activity -Port 0 -Name reporttests"));
            Endpoints = string.Join(",", ((IReadOnlyList<string>)lab.Properties["Endpoints"].Value).Select(e => $"'{e}'"));
        }
        catch
        {
            // xunit does not dispose a fixture whose constructor threw: the lab would outlive the test run.
            Dispose();
            throw;
        }
    }

    /// <summary>The lab's endpoints as one Connect-Etcd argument.</summary>
    public string Endpoints { get; }

    public void Dispose()
    {
        _pwsh.Invoke("Stop-EtcdLab -Name reporttests");
        _pwsh.Dispose();
    }
}

/// <summary>Export-EtcdReport against a real lab: the page in a real headless browser, and the refusals and Ctrl+C.</summary>
public sealed partial class ReportTests(ReportLabFixture lab) : IClassFixture<ReportLabFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("etcdps-report-");

    public void Dispose()
    {
        _pwsh.Dispose();
        _folder.Delete(recursive: true);
    }

    private string Report(string name = "report.html") => Path.Combine(_folder.FullName, name);

    private PSObject Export(string arguments)
    {
        _pwsh.Run($"Connect-Etcd {lab.Endpoints}");
        return Assert.Single(_pwsh.Run($"Export-EtcdReport {arguments}"));
    }

    [ChromiumFact]
    public void The_report_of_a_lab_renders_both_charts_in_chromium_with_no_console_message()
    {
        var result = Export($"'{Report()}' -SampleDuration 00:00:04");
        Assert.Equal(3, (int)result.Properties["Members"].Value);
        Assert.True((long)result.Properties["Keys"].Value > 400);

        var (dom, log) = Chromium.Run(Report(), "--virtual-time-budget=15000", "--dump-dom");
        Assert.Contains("data-charts=\"drawn\"", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("data-report-error=", dom, StringComparison.Ordinal);
        Assert.DoesNotContain(":CONSOLE", log, StringComparison.Ordinal);

        // The treemap and the rate chart are drawn as SVG after the scripts ran: resources in the treemap, resources in the legend.
        var treemap = Section(dom, "chart-treemap");
        Assert.Contains("<svg", treemap, StringComparison.Ordinal);
        Assert.Contains("pods", Texts(treemap));
        Assert.True(Regex.Count(treemap, "<path") > 10, "the treemap has its rectangles");
        var rate = Section(dom, "chart-rate");
        Assert.Contains("<svg", rate, StringComparison.Ordinal);
        Assert.Contains("writes/s", Texts(rate));
        Assert.Contains(Texts(rate), t => t is "events" or "pods" or "coordination.k8s.io/leases" or "apps/deployments");
        Assert.Contains("data-rendered=\"true\"", Section(dom, "chart-db"), StringComparison.Ordinal);

        // A screenshot of the whole page, kept as a test artifact.
        var artifacts = Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "out", "test-artifacts"));
        var screenshot = Path.Combine(artifacts.FullName, "etcd-report.png");
        File.Delete(screenshot);
        Chromium.Run(Report(), "--virtual-time-budget=15000", "--window-size=1400,4200", "--hide-scrollbars", $"--screenshot={screenshot}");
        Assert.True(new FileInfo(screenshot).Length > 50_000, "the screenshot shows the page");
    }

    [Fact]
    public void The_report_is_one_file_that_needs_no_network()
    {
        Export($"'{Report()}' -SampleDuration 00:00:02");
        var html = File.ReadAllText(Report());
        Assert.DoesNotMatch("<script[^>]+src=", html);
        Assert.DoesNotMatch("<link[^>]+href=", html);
        Assert.DoesNotContain("cdn.", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Apache License", html, StringComparison.Ordinal);
        Assert.Contains("id=\"checks\"", html, StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_folder.FullName));
    }

    [Fact]
    public void An_existing_file_is_refused_without_force_and_replaced_with_it()
    {
        File.WriteAllText(Report(), "keep me");
        _pwsh.Run($"Connect-Etcd {lab.Endpoints}");
        var refused = _pwsh.Invoke($"Export-EtcdReport '{Report()}' -SampleDuration 00:00:01");
        Assert.Equal("EtcdReportFileExists", refused.FirstErrorId);
        Assert.Contains("-Force", refused.Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal("keep me", File.ReadAllText(Report()));

        _pwsh.Run($"Export-EtcdReport '{Report("whatif.html")}' -SampleDuration 00:00:01 -WhatIf");
        Assert.False(File.Exists(Report("whatif.html")));

        Export($"'{Report()}' -SampleDuration 00:00:01 -Force");
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(Report()), StringComparison.Ordinal);
        Assert.Single(Directory.GetFiles(_folder.FullName));
    }

    [Fact]
    public void A_missing_folder_and_bad_durations_are_refused_before_sampling()
    {
        _pwsh.Run($"Connect-Etcd {lab.Endpoints}");
        var missing = Path.Combine(_folder.FullName, "no-such-folder", "report.html");
        var result = _pwsh.Invoke($"Export-EtcdReport '{missing}' -SampleDuration 00:10:00");
        Assert.Equal("EtcdReportFolderNotFound", result.FirstErrorId);
        Assert.False(Directory.Exists(Path.GetDirectoryName(missing)));
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke($"Export-EtcdReport '{Report()}' -SampleDuration 00:00:00").FirstErrorId);
        Assert.Equal("EtcdInvalidArgument", _pwsh.Invoke($"Export-EtcdReport '{Report()}' -SampleDuration 02:00:00").FirstErrorId);
        Assert.Empty(Directory.GetFileSystemEntries(_folder.FullName));
    }

    [Fact]
    public async Task Stopping_during_sampling_writes_nothing()
    {
        using var ps = PowerShell.Create();
        ps.AddScript($"Import-Module '{RepoPaths.ModuleManifest}'; Connect-Etcd {lab.Endpoints}; Export-EtcdReport '{Report()}' -SampleDuration 00:01:00");
        var running = ps.BeginInvoke();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!ps.Streams.Progress.Any(p => p.StatusDescription.StartsWith("Sampling", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Contains(ps.Streams.Progress, p => p.StatusDescription.StartsWith("Sampling", StringComparison.Ordinal));
        var stopped = DateTime.UtcNow;
        await Task.Factory.FromAsync(ps.BeginStop(null, null), ps.EndStop);
        Assert.True(DateTime.UtcNow - stopped < TimeSpan.FromSeconds(15), "Ctrl+C stops the sampling promptly");
        Assert.True(running.IsCompleted);
        Assert.Empty(Directory.GetFileSystemEntries(_folder.FullName));
    }

    private static string Section(string dom, string id)
    {
        var start = dom.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{id} is in the page");
        var end = dom.IndexOf("</section>", start, StringComparison.Ordinal);
        return dom[start..end];
    }

    private static string[] Texts(string svg) => TextElement().Matches(svg).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToArray();

    [GeneratedRegex("<text[^>]*>([^<]*)</text>")]
    private static partial Regex TextElement();
}
