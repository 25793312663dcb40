using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace EtcdPS.Tests.Watch;

/// <summary>Measure-EtcdRevisionRate stopped early (Ctrl+C) keeps what it measured, marked partial.</summary>
public sealed class RevisionRateStopTests(SingleEtcdFixture etcd) : IClassFixture<SingleEtcdFixture>
{
    [Theory]
    [InlineData("00:00:00.200", 1)]
    [InlineData("00:00:00.010", 5)] // progress every 10 ms: a stop often lands in a progress line, which then throws
    public async Task Stopped_early_the_partial_measurement_is_kept_marked_partial(string interval, int rounds)
    {
        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using (var setup = PowerShell.Create())
        {
            setup.Runspace = runspace;
            setup.AddScript($"Import-Module '{RepoPaths.ModuleManifest}' -ErrorAction Stop; Connect-Etcd {etcd.Endpoint}").Invoke();
        }

        for (var round = 0; round < rounds; round++)
        {
            using (var clear = PowerShell.Create())
            {
                clear.Runspace = runspace;
                clear.AddScript("$global:LastEtcdRevisionRate = $null").Invoke();
            }

            using var ps = PowerShell.Create();
            ps.Runspace = runspace;
            ps.AddScript($"Measure-EtcdRevisionRate -Duration 00:01:00 -Interval {interval}");
            var running = ps.BeginInvoke();
            await Task.Delay(TimeSpan.FromSeconds(2));
            ps.Stop();
            Assert.ThrowsAny<PipelineStoppedException>(() => ps.EndInvoke(running));

            using var read = PowerShell.Create();
            read.Runspace = runspace;
            var kept = Assert.Single(read.AddScript("$global:LastEtcdRevisionRate").Invoke());
            Assert.True(kept is not null, $"Round {round + 1}: nothing was kept.");
            Assert.Equal("EtcdPS.EtcdRevisionRate", kept.BaseObject.GetType().FullName);
            Assert.True((bool)kept.Properties["IsPartial"].Value);
            var durationMs = (double)kept.Properties["Duration"].Value;
            Assert.InRange(durationMs, 500, 30_000); // what was measured, not the minute asked for
            Assert.True(((Array)kept.Properties["Samples"].Value).Length >= 3);
            Assert.EndsWith("(partial)", kept.ToString(), StringComparison.Ordinal);
        }
    }
}
