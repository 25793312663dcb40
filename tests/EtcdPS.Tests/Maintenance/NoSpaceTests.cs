using Etcdserverpb;
using EtcdPS.Engine.Lab;
using Google.Protobuf;

namespace EtcdPS.Tests.Maintenance;

/// <summary>One member with a tiny backend quota, so NOSPACE is reached with a few megabytes.</summary>
public sealed class QuotaEtcdFixture : EtcdFixture
{
    public const long Quota = 4 * 1024 * 1024;

    internal override EtcdServerOptions CreateOptions() => new() { QuotaBackendBytes = Quota };
}

public sealed class NoSpaceTests(QuotaEtcdFixture etcd) : CmdletTestBase(etcd.Endpoint), IClassFixture<QuotaEtcdFixture>
{

    [Fact]
    public void Nospace_alarm_is_shown_blocks_writes_and_is_recovered_by_compact_defrag_and_clear()
    {
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint}");
        var value = new byte[256 * 1024];
        Random.Shared.NextBytes(value);
        var filled = false;
        for (var i = 0; i < 200 && !filled; i++)
        {
            try
            {
                _raw.Put($"/fill/{i:D4}", value);
            }
            catch (Grpc.Core.RpcException ex) when (ex.Status.Detail.Contains("database space exceeded", StringComparison.Ordinal))
            {
                filled = true;
            }
        }

        Assert.True(filled, "the quota was never reached");
        var alarm = Assert.Single(_pwsh.Run("Get-EtcdAlarm"));
        Assert.Equal("NOSPACE", alarm.Properties["Alarm"].Value);

        var refused = _pwsh.Invoke("Set-EtcdKey /after/full x");
        Assert.Equal("EtcdNoSpace", refused.FirstErrorId);

        // The safe recipe: free the keys, compact, defragment, then clear the alarm.
        var deletedAt = _raw.KV.DeleteRange(new DeleteRangeRequest { Key = ByteString.CopyFromUtf8("/fill/"), RangeEnd = ByteString.CopyFromUtf8("/fill0") })
            .Header.Revision;
        _pwsh.Run($"Invoke-EtcdCompaction -Revision {deletedAt} -Physical -Confirm:$false");
        var defrag = Assert.Single(_pwsh.Run("Invoke-EtcdDefragmentation -Confirm:$false"));
        Assert.True((long)defrag.Properties["DbSizeAfter"].Value < QuotaEtcdFixture.Quota);

        Assert.Equal("EtcdNoSpace", _pwsh.Invoke("Set-EtcdKey /after/full x").FirstErrorId);
        _pwsh.Run("Clear-EtcdAlarm -WhatIf");
        Assert.Equal("NOSPACE", Assert.Single(_pwsh.Run("Get-EtcdAlarm")).Properties["Alarm"].Value);
        var cleared = Assert.Single(_pwsh.Run("Clear-EtcdAlarm -Alarm NOSPACE -Confirm:$false -PassThru"));
        Assert.Equal("NOSPACE", cleared.Properties["Alarm"].Value);
        Assert.Empty(_pwsh.Run("Get-EtcdAlarm"));

        _pwsh.Run("Set-EtcdKey /after/full x");
        Assert.Equal("x", _raw.Get("/after/full")!.Value.ToStringUtf8());
    }
}
