using EtcdPS.Engine.Lab;

namespace EtcdPS.Tests.Maintenance;

/// <summary>Defragmentation with a member down refuses on purpose, says nothing was done, and -WhatIf still lists the plan.</summary>
public sealed class DefragRefusalTests : IAsyncLifetime, IDisposable
{
    private readonly PwshSession _pwsh = new();
    private LabInstance? _lab;

    public async Task InitializeAsync()
    {
        _lab = await LabController.StartAsync(new LabOptions { Name = "xunit-defrag-refusal", Members = 3, Seed = EtcdLabSeed.None, Port = null }, null, CancellationToken.None);
        _pwsh.Run($"Connect-Etcd {string.Join(",", _lab.Lab.Endpoints)} -WarningAction SilentlyContinue");
        LabMembers.Stop(_lab, LabMembers.Find(_lab, "etcd-2"), freeze: false);
    }

    public async Task DisposeAsync()
    {
        if (_lab is not null)
        {
            LabRegistry.TryRemove(_lab.Lab.Name, out _);
            await LabController.StopAsync(_lab, keepData: false);
        }
    }

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void A_member_down_refuses_the_whole_plan_and_says_nothing_was_defragmented()
    {
        var result = _pwsh.Invoke("Invoke-EtcdDefragmentation -Cluster -Confirm:$false");
        Assert.Empty(result.Output);
        Assert.Equal("EtcdDefragRefused", result.FirstErrorId);
        var message = result.Errors[0].Exception.Message;
        Assert.Contains("Refused on purpose, nothing was defragmented", message, StringComparison.Ordinal);
        Assert.Contains(_lab!.Lab.Endpoints[2], message, StringComparison.Ordinal);
    }

    [Fact]
    public void WhatIf_lists_the_plan_and_warns_instead_of_failing()
    {
        var result = _pwsh.Invoke("Invoke-EtcdDefragmentation -Cluster -WhatIf");
        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Contains(result.Warnings, w => w.Contains("Refused on purpose", StringComparison.Ordinal));
    }
}
