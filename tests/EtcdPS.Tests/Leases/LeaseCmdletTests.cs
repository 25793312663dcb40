using System.Diagnostics;
using System.Management.Automation;

namespace EtcdPS.Tests.Leases;

public sealed class LeaseCmdletTests(SingleEtcdFixture etcd) : CmdletTestBase(etcd.Endpoint, connect: true), IClassFixture<SingleEtcdFixture>
{
    private long NewLease(int ttl) => (long)_pwsh.Run($"(New-EtcdLease {ttl}).Id")[0].BaseObject;

    [Fact]
    public void A_lease_object_binds_to_SetEtcdKey_Lease_by_value_by_pipeline_and_by_hex_id()
    {
        _pwsh.Run("$lease = New-EtcdLease -TimeToLive 60");
        var id = (long)_pwsh.Run("$lease.Id")[0].BaseObject;
        Assert.True((long)_pwsh.Run("$lease.TTL")[0].BaseObject > 50);
        _pwsh.Run("Set-EtcdKey /lease-bind/value v -Lease $lease -Confirm:$false");
        _pwsh.Run("$lease | Set-EtcdKey -Key /lease-bind/pipe -Value v -Confirm:$false");
        _pwsh.Run("Set-EtcdKey /lease-bind/hex v -Lease $lease.HexId -Confirm:$false");
        _pwsh.Run("Set-EtcdKey /lease-bind/plain v -Confirm:$false");
        Assert.Equal(id, _raw.Get("/lease-bind/value")!.Lease);
        Assert.Equal(id, _raw.Get("/lease-bind/pipe")!.Lease);
        Assert.Equal(id, _raw.Get("/lease-bind/hex")!.Lease);
        Assert.Equal(0, _raw.Get("/lease-bind/plain")!.Lease);

        // A key read back and piped into Set-EtcdKey keeps its lease.
        _pwsh.Run("Get-EtcdKey /lease-bind/value | Set-EtcdKey -Value w -Confirm:$false");
        Assert.Equal(id, _raw.Get("/lease-bind/value")!.Lease);
    }

    [Fact]
    public void Remove_shows_the_keys_it_deletes_WhatIf_keeps_them_and_a_revoked_lease_gives_EtcdLeaseNotFound()
    {
        var id = NewLease(60);
        _pwsh.Run($"Set-EtcdKey /lease-rm/b v -Lease {id} -Confirm:$false; Set-EtcdKey /lease-rm/a v -Lease {id} -Confirm:$false");
        _pwsh.Run($"Remove-EtcdLease {id} -WhatIf");
        Assert.Equal(2, _raw.Count("/lease-rm/"));
        var removed = Assert.Single(_pwsh.Run($"Get-EtcdLease {id} | Remove-EtcdLease -Confirm:$false"));
        Assert.Equal(["/lease-rm/a", "/lease-rm/b"], ((IReadOnlyList<string>)removed.Properties["Keys"].Value).Order());
        Assert.Equal(0, _raw.Count("/lease-rm/"));

        Assert.Equal("EtcdLeaseNotFound", _pwsh.Invoke($"Remove-EtcdLease {id} -Confirm:$false").FirstErrorId);
        Assert.Equal("EtcdLeaseNotFound", _pwsh.Invoke($"Update-EtcdLease {id}").FirstErrorId);
        Assert.Equal("EtcdLeaseNotFound", _pwsh.Invoke($"Update-EtcdLease {id} -KeepAlive -Duration 00:00:02").FirstErrorId);
        var orphan = _pwsh.Invoke($"Set-EtcdKey /lease-rm/c v -Lease {id} -Confirm:$false");
        Assert.Equal("EtcdLeaseNotFound", orphan.FirstErrorId);
        Assert.Contains($"There is no lease {id:x16}", orphan.Errors[0].Exception.Message, StringComparison.Ordinal);
        Assert.Equal("/lease-rm/c", orphan.Errors[0].TargetObject);
        Assert.Equal(0, _raw.Count("/lease-rm/"));
        var bad = _pwsh.Invoke("Remove-EtcdLease zz-not-an-id -Confirm:$false");
        Assert.StartsWith("ParameterArgumentTransformationError", bad.Errors[0].FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("is not a lease id", bad.Errors[0].Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lease_id_in_use_gives_EtcdLeaseExists_naming_the_lease()
    {
        var id = NewLease(60);
        var taken = _pwsh.Invoke($"New-EtcdLease 10 -Id {id}");
        Assert.Equal("EtcdLeaseExists", taken.FirstErrorId);
        var error = taken.Errors[0];
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Equal(MemberIds.LeaseToHex(id), error.TargetObject);
        Assert.Contains("Leave out -Id", error.ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void A_keep_alive_duration_must_be_positive()
    {
        var id = NewLease(60);
        foreach (var duration in new[] { "-00:00:05", "0" })
        {
            var bad = _pwsh.Invoke($"Update-EtcdLease {id} -KeepAlive -Duration {duration}");
            Assert.Equal("EtcdInvalidArgument", bad.FirstErrorId);
            Assert.Empty(bad.Output);
            Assert.Contains("positive", bad.Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);
        }

        Assert.Contains("-KeepAlive", _pwsh.Invoke($"Update-EtcdLease {id} -Duration 00:00:02").Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_expire_with_their_lease_unless_it_is_kept_alive()
    {
        var expiring = NewLease(2);
        var kept = NewLease(2);
        _pwsh.Run($"Set-EtcdKey /lease-ttl/expiring v -Lease {expiring} -Confirm:$false; Set-EtcdKey /lease-ttl/kept v -Lease {kept} -Confirm:$false");
        var watch = Stopwatch.StartNew();
        var final = Assert.Single(_pwsh.Run($"Update-EtcdLease {kept} -KeepAlive -Duration 00:00:04"));
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(3.5));
        Assert.True((long)final.Properties["TTL"].Value >= 1);
        Assert.Null(_raw.Get("/lease-ttl/expiring"));
        Assert.NotNull(_raw.Get("/lease-ttl/kept"));
        Assert.Equal("EtcdLeaseNotFound", _pwsh.Invoke($"Update-EtcdLease {expiring}").FirstErrorId);
    }

    [Fact]
    public void KeepAlive_without_a_duration_stops_promptly_on_Ctrl_C()
    {
        var id = NewLease(30);
        using var runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace();
        runspace.Open();
        using (var setup = PowerShell.Create())
        {
            // Imported and connected first, so the stop below lands in the keep-alive, not in a slow import.
            setup.Runspace = runspace;
            setup.AddScript($"Import-Module '{RepoPaths.ModuleManifest}' -ErrorAction Stop; Connect-Etcd {etcd.Endpoint}").Invoke();
            Assert.Empty(setup.Streams.Error);
        }

        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript($"Update-EtcdLease {id} -KeepAlive");
        var running = ps.BeginInvoke();
        Thread.Sleep(2000);
        Assert.False(running.IsCompleted);
        var watch = Stopwatch.StartNew();
        ps.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"stopping took {watch.Elapsed}");
        Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        Assert.Empty(ps.Streams.Error);
        Assert.True(_pwsh.Run($"(Get-EtcdLease {id}).TTL").Select(o => (long)o.BaseObject).Single() > 0);
    }

    [Fact]
    public void Lease_ids_complete_as_hex_literals()
    {
        var id = NewLease(60);
        var hex = MemberIds.LeaseToHex(id);
        var input = $"Remove-EtcdLease -Id 0x{hex[..6]}";
        var completions = _pwsh.Run($"(TabExpansion2 -inputScript '{input}' -cursorColumn {input.Length}).CompletionMatches.CompletionText")
            .Select(o => (string)o.BaseObject).ToArray();
        Assert.Contains("0x" + hex, completions);
        Assert.Equal(id, (long)_pwsh.Run($"(Update-EtcdLease 0x{hex}).Id")[0].BaseObject);
    }
}
