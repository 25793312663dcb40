namespace EtcdPS.Tests.Snapshots;

/// <summary>A snapshot of a cluster with authentication enabled keeps its users: it is read with -Credential of one of them.</summary>
public sealed class AuthSnapshotTests(AuthEtcdFixture etcd) : IClassFixture<AuthEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("etcdps-authsnap-").FullName;

    public void Dispose()
    {
        _pwsh.Invoke("Dismount-EtcdSnapshot");
        _pwsh.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Mount_and_info_ask_for_a_user_of_the_snapshot_and_read_it_with_one()
    {
        var path = Path.Combine(_folder, "auth.db");
        _pwsh.Run($"$pw = ConvertTo-SecureString '{AuthEtcdFixture.RootPassword}' -AsPlainText -Force; $root = [pscredential]::new('root', $pw)");
        _pwsh.Run($"Connect-Etcd {etcd.Endpoint} -Credential $root -WarningAction SilentlyContinue");
        _pwsh.Run("Set-EtcdKey /authsnap/a 1 -Confirm:$false");
        _pwsh.Run($"Save-EtcdSnapshot '{path}'");

        var bare = _pwsh.Invoke($"Mount-EtcdSnapshot '{path}' -Name bare");
        Assert.Equal("EtcdAuthRequired", bare.FirstErrorId);
        Assert.Equal(path, bare.Errors[0].TargetObject);
        Assert.Contains("authentication enabled", bare.Errors[0].Exception.Message, StringComparison.Ordinal);
        Assert.Contains("-Credential", bare.Errors[0].ErrorDetails.RecommendedAction, StringComparison.Ordinal);

        var wrong = _pwsh.Invoke($"Mount-EtcdSnapshot '{path}' -Name wrong -Credential ([pscredential]::new('root', (ConvertTo-SecureString 'nope-Nope-1' -AsPlainText -Force)))");
        Assert.Equal("EtcdAuthFailed", wrong.FirstErrorId);
        Assert.DoesNotContain("nope-Nope-1", wrong.Errors[0].ToString(), StringComparison.Ordinal);

        var info = _pwsh.Invoke($"Get-EtcdSnapshotInfo '{path}'");
        Assert.Equal("EtcdAuthRequired", info.FirstErrorId);
        var read = Assert.Single(_pwsh.Run($"Get-EtcdSnapshotInfo '{path}' -Credential $root"));
        Assert.True((long)read.Properties["TotalKeys"].Value >= 1);

        _pwsh.Run($"Mount-EtcdSnapshot '{path}' -Name authsnap -Credential $root");
        Assert.Equal("1", _pwsh.Run("(Get-EtcdKey /authsnap/a -Connection authsnap).Value")[0].BaseObject);
    }
}
