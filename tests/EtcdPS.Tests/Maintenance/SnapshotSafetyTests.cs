namespace EtcdPS.Tests.Maintenance;

/// <summary>Save-EtcdSnapshot leaves no readable copy of the secrets, and never harms a file it did not create.</summary>
public sealed class SnapshotSafetyTests(SingleEtcdFixture etcd) : CmdletTestBase(etcd.Endpoint, connect: true), IClassFixture<SingleEtcdFixture>
{
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdps-snapsafe-").FullName;

    [Fact]
    public void A_snapshot_is_readable_by_its_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // POSIX file modes; the tests run on Linux
        }

        var path = Path.Combine(_dir, "mode.db");
        _pwsh.Run($"Save-EtcdSnapshot '{path}'");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_partial_file_that_exists_is_neither_overwritten_nor_deleted()
    {
        // Someone else's interrupted save, or another save to the same path that is still running.
        var path = Path.Combine(_dir, "busy.db");
        File.WriteAllText(path + ".part", "someone else's work");
        var result = _pwsh.Invoke($"Save-EtcdSnapshot '{path}'");
        Assert.Equal("EtcdSnapshotPartialExists", result.FirstErrorId);
        Assert.Equal("someone else's work", File.ReadAllText(path + ".part"));
        Assert.False(File.Exists(path));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>A connection idle for longer than the auth token TTL still saves a snapshot.</summary>
public sealed class SnapshotTokenTests(AuthEtcdFixture etcd) : IClassFixture<AuthEtcdFixture>, IDisposable
{
    private readonly PwshSession _pwsh = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdps-snaptoken-").FullName;

    [Fact]
    public void An_expired_token_is_renewed_before_the_snapshot_stream()
    {
        _pwsh.Run($"$cred = [pscredential]::new('root', (ConvertTo-SecureString '{AuthEtcdFixture.RootPassword}' -AsPlainText -Force)); " +
                  $"Connect-Etcd {etcd.Endpoint} -Credential $cred");
        Thread.Sleep(TimeSpan.FromSeconds(3)); // the fixture's tokens live 1 s
        var path = Path.Combine(_dir, "token.db");
        var result = _pwsh.Invoke($"Save-EtcdSnapshot '{path}'");
        Assert.Empty(result.Errors);
        Assert.True(File.Exists(path));
    }

    public void Dispose()
    {
        _pwsh.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
