using System.Diagnostics;

namespace EtcdPS.Tests.Cluster;

/// <summary>Membership changes on a three-member cluster with authentication enabled, connected as root through a follower.</summary>
public sealed class AuthClusterMemberTests(ClusterAuthEtcdFixture etcd) : IClassFixture<ClusterAuthEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();

    public void Dispose() => _pwsh.Dispose();

    [Fact]
    public void Promoting_a_learner_through_a_follower_says_at_once_that_it_is_not_ready_instead_of_timing_out()
    {
        _pwsh.Run($"$pw = ConvertTo-SecureString '{AuthEtcdFixture.RootPassword}' -AsPlainText -Force");
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList} -Credential ([pscredential]::new('root', $pw)) -Name all -WarningAction SilentlyContinue");
        var follower = (string)_pwsh.Run("(Get-EtcdStatus -Cluster | Where-Object { -not $_.IsLeader } | Select-Object -First 1).Endpoint")[0].BaseObject;
        _pwsh.Run($"Connect-Etcd {follower} -Credential ([pscredential]::new('root', $pw)) -Name follower -WarningAction SilentlyContinue");

        var (_, peerPort) = ExtraMemberFixture.FreePorts();
        var id = (string)_pwsh.Run($"(Add-EtcdMember etcd-learner http://127.0.0.1:{peerPort} -Learner -Confirm:$false).Id")[0].BaseObject;
        try
        {
            var watch = Stopwatch.StartNew();
            var early = _pwsh.Invoke($"Invoke-EtcdMemberPromotion {id} -Confirm:$false");
            Assert.Equal("EtcdLearnerNotReady", early.FirstErrorId);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        }
        finally
        {
            _pwsh.Invoke($"Remove-EtcdMember {id} -Confirm:$false -Connection all");
        }
    }

    [Fact]
    public void A_user_without_the_root_role_is_told_that_membership_changes_need_root()
    {
        _pwsh.Run($"$pw = ConvertTo-SecureString '{AuthEtcdFixture.RootPassword}' -AsPlainText -Force");
        _pwsh.Run($"Connect-Etcd {etcd.EndpointList} -Credential ([pscredential]::new('root', $pw)) -Name root -WarningAction SilentlyContinue");
        _pwsh.Run("New-EtcdUser member-alice -Password $pw");
        try
        {
            _pwsh.Run($"Connect-Etcd {etcd.EndpointList} -Credential ([pscredential]::new('member-alice', $pw)) -Name alice -WarningAction SilentlyContinue");
            var (_, peerPort) = ExtraMemberFixture.FreePorts();
            var denied = _pwsh.Invoke($"Add-EtcdMember etcd-denied http://127.0.0.1:{peerPort} -Learner -Confirm:$false");
            Assert.Equal("EtcdPermissionDenied", denied.FirstErrorId);
            Assert.Equal("etcd-denied", denied.Errors[0].TargetObject);
            Assert.Contains("root role", denied.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.Contains("'member-alice'", denied.Errors[0].Exception.Message, StringComparison.Ordinal);
            Assert.Contains("Get-Credential root", denied.Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);
            Assert.Equal(3, _pwsh.Run("Get-EtcdMember -Connection root").Count);
        }
        finally
        {
            _pwsh.Invoke("Remove-EtcdUser member-alice -Confirm:$false -Connection root");
        }
    }
}
