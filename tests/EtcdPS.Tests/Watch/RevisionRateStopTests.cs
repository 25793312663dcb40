using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace EtcdPS.Tests.Watch;

/// <summary>Measure-EtcdRevisionRate stopped early (Ctrl+C) keeps what it measured, marked partial.</summary>
public sealed class RevisionRateStopTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>
{
    [Fact]
    public async Task Stopped_early_the_partial_measurement_is_kept_marked_partial()
    {
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using (var setup = PowerShell.Create())
        {
            setup.Runspace = runspace;
            setup.AddScript($"Import-Module '{RepoPaths.ModuleManifest}' -ErrorAction Stop; Connect-Etcd {etcd.Endpoint}").Invoke();
        }

        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript("Measure-EtcdRevisionRate -Duration 00:01:00 -Interval 00:00:00.200");
        var running = ps.BeginInvoke();
        await Task.Delay(TimeSpan.FromSeconds(2));
        ps.Stop();
        Assert.ThrowsAny<PipelineStoppedException>(() => ps.EndInvoke(running));

        using var read = PowerShell.Create();
        read.Runspace = runspace;
        var kept = Assert.Single(read.AddScript("$global:LastEtcdRevisionRate").Invoke());
        Assert.Equal("EtcdPS.EtcdRevisionRate", kept.BaseObject.GetType().FullName);
        Assert.True((bool)kept.Properties["IsPartial"].Value);
        var durationMs = (double)kept.Properties["Duration"].Value;
        Assert.InRange(durationMs, 1000, 30_000);
        Assert.True(((Array)kept.Properties["Samples"].Value).Length >= 3);
        Assert.EndsWith("(partial)", kept.ToString(), StringComparison.Ordinal);
    }
}
