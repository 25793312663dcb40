using EtcdPS.Tests.Lab;

namespace EtcdPS.Tests.Lab;

public sealed class LabCmdletTests : IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose()
    {
        _pwsh.Invoke("Stop-EtcdLab -Name 'cmdlet-*'");
        _pwsh.Dispose();
    }

    [Fact]
    public void Start_connects_the_session_and_Stop_ends_the_processes_even_after_reimport()
    {
        var lab = Assert.Single(_pwsh.Run("Start-EtcdLab -Name cmdlet-reimport -Seed Small -Port 0"));
        var pids = (int[])lab.Properties["ProcessIds"].Value;
        var dataPath = (string)lab.Properties["DataPath"].Value;
        Assert.Equal(532L, (long)lab.Properties["KeyCount"].Value);
        Assert.Equal("cmdlet-reimport", Assert.Single(_pwsh.Run("(Get-EtcdConnection -Default).Name")).BaseObject);
        var status = Assert.Single(_pwsh.Run("Get-EtcdStatus"));
        Assert.True((long)status.Properties["Revision"].Value >= (long)lab.Properties["Revision"].Value);

        _pwsh.Run("Remove-Module EtcdPS; Import-Module '" + RepoPaths.ModuleManifest + "' -ErrorAction Stop");
        Assert.Empty(_pwsh.Run("Stop-EtcdLab -Name cmdlet-reimport -WhatIf"));
        Assert.All(pids, pid => Assert.False(LabLifecycleTests.HasExitedNow(pid)));

        var stopped = Assert.Single(_pwsh.Run("Stop-EtcdLab -Name cmdlet-reimport -PassThru"));
        Assert.True((bool)stopped.Properties["IsStopped"].Value);
        Assert.All(pids, pid => Assert.True(LabLifecycleTests.HasExited(pid), $"etcd {pid} still runs"));
        Assert.False(Directory.Exists(dataPath));
        Assert.Empty(_pwsh.Run("Get-EtcdConnection -Name cmdlet-reimport"));
    }

    [Fact]
    public void Starting_a_running_lab_again_reconnects_with_a_warning()
    {
        _pwsh.Run("$null = Start-EtcdLab -Name cmdlet-again -Seed None -Port 0; Disconnect-Etcd -All");
        var again = _pwsh.Invoke("Start-EtcdLab -Name cmdlet-again -Seed None -Port 0");
        Assert.Empty(again.Errors);
        Assert.Contains(again.Warnings, w => w.Contains("already running", StringComparison.Ordinal));
        Assert.Equal("cmdlet-again", Assert.Single(_pwsh.Run("(Get-EtcdConnection -Default).Name")).BaseObject);
        _pwsh.Run("Stop-EtcdLab -Name cmdlet-again");
    }

    [Fact]
    public void A_missing_etcd_binary_is_a_clear_error()
    {
        var result = _pwsh.Invoke("Start-EtcdLab -Name cmdlet-missing -EtcdPath /nonexistent/etcd");
        Assert.Equal("EtcdNotInstalled", result.FirstErrorId);
        Assert.Contains("apt-get install", result.Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);
    }

    [Fact]
    public void Stopping_an_unknown_lab_names_it()
    {
        var result = _pwsh.Invoke("Stop-EtcdLab -Name cmdlet-nothing-here");
        Assert.Equal("EtcdLabNotFound", result.FirstErrorId);
        Assert.Equal("cmdlet-nothing-here", result.Errors[0].TargetObject);
    }

    [Fact]
    public void Members_accepts_only_one_or_three()
    {
        var result = _pwsh.Invoke("Start-EtcdLab -Name cmdlet-two -Members 2");
        Assert.StartsWith("ParameterArgumentValidationError", result.FirstErrorId, StringComparison.Ordinal);
    }
}
